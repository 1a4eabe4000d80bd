package io.pktpath.core.conntrack;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Tuple;

/** Tuple arithmetic as nf_conntrack does it: inversion (ICMP keeps its echo id), ICMP request/reply types, manips. */
public final class Tuples {
    private Tuples() {
    }

    public static boolean isIcmp(int proto) {
        return proto == Packet.ICMP || proto == Packet.ICMPV6;
    }

    /** The reply-direction tuple of {@code t} before NAT (ICMP: the echo id stays in the source-id slot). */
    public static Tuple invert(Tuple t) {
        if (isIcmp(t.protocol())) {
            return new Tuple(t.protocol(), t.dst(), t.sport(), t.src(), 0);
        }
        return t.inverse();
    }

    /** The ICMP type that answers {@code type} (echo 8→0, timestamp 13→14, info 15→16, mask 17→18; v6 128→129, 139→140), or -1. */
    public static int replyType(int proto, int type) {
        if (proto == Packet.ICMP) {
            return switch (type) {
                case 8 -> 0;
                case 13 -> 14;
                case 15 -> 16;
                case 17 -> 18;
                default -> -1;
            };
        }
        if (proto == Packet.ICMPV6) {
            return type == 128 ? 129 : type == 139 ? 140 : -1;
        }
        return -1;
    }

    /** The request type a reply type answers, or -1. */
    public static int requestType(int proto, int type) {
        if (proto == Packet.ICMP) {
            return switch (type) {
                case 0 -> 8;
                case 14 -> 13;
                case 16 -> 15;
                case 18 -> 17;
                default -> -1;
            };
        }
        if (proto == Packet.ICMPV6) {
            return type == 129 ? 128 : type == 140 ? 139 : -1;
        }
        return -1;
    }

    /** {@code t} with its source (SRC) or destination (DST) side taken from {@code target}; ICMP ids always follow. */
    public static Tuple manip(Tuple t, NatManip manip, Tuple target) {
        if (isIcmp(t.protocol())) {
            return manip == NatManip.SRC
                    ? new Tuple(t.protocol(), target.src(), target.sport(), t.dst(), t.dport())
                    : new Tuple(t.protocol(), t.src(), target.sport(), target.dst(), t.dport());
        }
        return manip == NatManip.SRC
                ? new Tuple(t.protocol(), target.src(), target.sport(), t.dst(), t.dport())
                : new Tuple(t.protocol(), t.src(), t.sport(), target.dst(), target.dport());
    }

    /** True if the ct's DNAT status bit would be set: the reply source differs from the original destination. */
    public static boolean isDnat(Tuple original, Tuple reply) {
        if (isIcmp(original.protocol())) {
            return !reply.src().equals(original.dst());
        }
        return !reply.src().equals(original.dst()) || reply.sport() != original.dport();
    }

    /** True if the ct's SNAT status bit would be set: the reply destination (or ICMP id) differs from the original source. */
    public static boolean isSnat(Tuple original, Tuple reply) {
        if (isIcmp(original.protocol())) {
            return !reply.dst().equals(original.src()) || reply.sport() != original.sport();
        }
        return !reply.dst().equals(original.src()) || reply.dport() != original.sport();
    }

    /** The port (ICMP: echo id) a SRC or DST manip changes in an original-direction tuple. */
    public static int manipPort(Tuple t, NatManip manip) {
        if (isIcmp(t.protocol())) {
            return t.sport();
        }
        return manip == NatManip.SRC ? t.sport() : t.dport();
    }

    /** {@code t} with the manip side's port (ICMP: echo id) replaced. */
    public static Tuple withManipPort(Tuple t, NatManip manip, int port) {
        if (isIcmp(t.protocol()) || manip == NatManip.SRC) {
            return new Tuple(t.protocol(), t.src(), port, t.dst(), t.dport());
        }
        return new Tuple(t.protocol(), t.src(), t.sport(), t.dst(), port);
    }
}
