package io.pktpath.core.findings;

import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import java.util.Optional;

/** Small questions the detectors ask about a trace: TCP flags, sequence number, who sent it. */
final class Packets {
    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int ACK = 0x10;

    private Packets() {
    }

    /** True for frames the replay walked from their start (entering the node or sent by it). */
    static boolean walked(PacketTrace t) {
        return t.role() == FrameRole.INGRESS || t.role() == FrameRole.LOCAL_OUT;
    }

    static boolean isTcp(PacketSummary p) {
        return p.proto() == 6 && p.tcpFlags() >= 0;
    }

    static boolean has(PacketSummary p, int flag) {
        return p.tcpFlags() >= 0 && (p.tcpFlags() & flag) != 0;
    }

    /**
     * A packet's captured tuple as a map key, compared without formatting any address; an absent address is null (a
     * tracker keeps a key per connection for as long as it follows it: no {@code Optional} beside each address).
     */
    record FlowKey(int proto, io.pktpath.parser.net.IpAddress src, int sport, io.pktpath.parser.net.IpAddress dst,
                   int dport) {
        /** Spreads every field: the generated {@code 31 * h + field} lets neighbouring flows collide in bulk. */
        @Override
        public int hashCode() {
            long h = KeyHash.add(KeyHash.add(0, proto), sport);
            h = src != null ? KeyHash.add(h, src) : KeyHash.add(h, -1);
            h = KeyHash.add(h, dport);
            h = dst != null ? KeyHash.add(h, dst) : KeyHash.add(h, -1);
            return KeyHash.finish(h);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof FlowKey k && proto == k.proto && sport == k.sport && dport == k.dport
                    && java.util.Objects.equals(src, k.src) && java.util.Objects.equals(dst, k.dst);
        }
    }

    static FlowKey flowKey(PacketSummary p) {
        return new FlowKey(p.proto(), p.src().orElse(null), p.sport(), p.dst().orElse(null), p.dport());
    }

    /** {@code proto src:sport>dst:dport} of the packet as captured. */
    static String tupleKey(PacketSummary p) {
        return Text.endpoints(new StringBuilder(56).append(p.proto()).append(' '), p.src(), p.sport(), p.dst(), p.dport(),
                p.family()).toString();
    }

    /** The same key for a conntrack tuple (of a protocol with ports). */
    static String tupleKey(io.pktpath.core.trace.Tuple t) {
        return Text.endpoints(new StringBuilder(56).append(t.protocol()).append(' '), Optional.of(t.src()), t.sport(),
                Optional.of(t.dst()), t.dport(), t.src().family().number()).toString();
    }

    /** The same key for a packet going the other way. */
    static String reverseKey(PacketSummary p) {
        String src = p.src().map(Object::toString).orElse("?");
        String dst = p.dst().map(Object::toString).orElse("?");
        boolean v6 = p.family() == 6;
        if (p.sport() < 0) {
            return p.proto() + " " + dst + " > " + src;
        }
        return p.proto() + " " + (v6 ? "[" + dst + "]" : dst) + ":" + p.dport() + " > " + (v6 ? "[" + src + "]" : src)
                + ":" + p.sport();
    }

    static boolean isIcmpError(PacketSummary p) {
        if (p.proto() == 1) {
            return p.icmpType() == 3 || p.icmpType() == 11 || p.icmpType() == 12;
        }
        return p.proto() == 58 && p.icmpType() >= 1 && p.icmpType() <= 4;
    }

    static boolean isFragNeeded(PacketSummary p) {
        return p.proto() == 1 && p.icmpType() == 3 && p.icmpCode() == 4 || p.proto() == 58 && p.icmpType() == 2;
    }

    /**
     * What an ICMP error's info text says it quotes ({@code TCP 10.0.0.1:80 > 10.0.0.2:4000}, from its
     * {@code (quoting ...)} ending), or null when {@code info} (null: no text written) quotes nothing.
     */
    static String quotedPart(String info) {
        int q = info == null ? -1 : info.indexOf("(quoting ");
        return q >= 0 && info.endsWith(")") ? info.substring(q + 9, info.length() - 1) : null;
    }
}
