package io.pktpath.core.replay;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Disposition;
import io.pktpath.parser.net.IpFamily;

/**
 * The checks ip_forward (ip6_forward) makes between the route lookup and the FORWARD hook, each a drop with an ICMP
 * error the node owes: the TTL (hop limit) must be above 1, and a packet the kernel may not fragment must fit the
 * egress MTU (ip_exceeds_mtu, ip6_pkt_too_big).
 */
final class ForwardChecks {
    /** The name of the MTU check in a trace's path. */
    static final String MTU = "mtu";

    private ForwardChecks() {
    }

    /** True when ip_forward drops a received packet for its TTL (hop limit) of 0 or 1 (-1: not known, passes). */
    static boolean ttlExpires(Packet p) {
        return !p.locallyGenerated() && p.ttl() >= 0 && p.ttl() <= 1;
    }

    /**
     * True when ip_forward drops {@code p} as too big for {@code egressMtu} (0: unknown, never): longer than it and not
     * to be fragmented, which is IPv4 with DF set and all of IPv6 (routers never fragment it); IPv4 without DF is
     * fragmented after POSTROUTING. The kernel checks a GRO aggregate's segments, which a capture does not show: a
     * frame longer than its ingress device's MTU ({@code ingressMtu}, 0 when unknown) is one and is not checked, nor
     * is a TCP frame whose ingress MTU is unknown; a later fragment is left to conntrack's reassembly. An IPv6 datagram
     * nf_defrag reassembled is too big when its largest fragment is (ip6_pkt_too_big's frag_max_size test, which the
     * ignore_df of a reassembled datagram does not skip): fragments that fit are cut again after POSTROUTING.
     */
    static boolean tooBig(Packet p, int egressMtu, int ingressMtu) {
        if (egressMtu <= 0 || p.length() <= egressMtu || p.locallyGenerated() || p.fragment()) {
            return false;
        }
        if (p.family() == IpFamily.V6 && p.fragMaxSize() > 0) {
            return p.fragMaxSize() > egressMtu;
        }
        if (p.family() == IpFamily.V4 && !p.dontFragment()) {
            return false;
        }
        return ingressMtu > 0 ? p.length() <= ingressMtu : !p.isTcp();
    }

    /**
     * True when {@code p} passes both checks on a path that passed them with {@code egressMtu} from a device of MTU
     * {@code ingressMtu}: what a remembered path needs of the next packet of its flow, which has its own TTL and length.
     */
    static boolean passes(Packet p, int egressMtu, int ingressMtu) {
        return !ttlExpires(p) && !tooBig(p, egressMtu, ingressMtu);
    }

    /** True for the dispositions of these checks, which depend on the packet (its TTL, length, DF) and not its flow. */
    static boolean droppedBy(Disposition d) {
        return d == Disposition.TTL_EXCEEDED || d == Disposition.MTU_EXCEEDED;
    }
}
