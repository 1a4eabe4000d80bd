package io.pktpath.core.replay;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.packet.TunnelType;
import io.pktpath.core.trace.Tuple;
import java.util.Objects;

/**
 * The packet a tunnel frame carries (VXLAN, Geneve, IP-in-IP), as much of it as tells its own frame on the tunnel
 * device apart: the inner tuple (ICMP id as the source port), IP identification, total length, TCP sequence and flags,
 * and the hash of its first payload bytes; {@code vni} is -1 for tunnels without one.
 */
public record Encapsulation(TunnelType type, int vni, Tuple inner, int ipId, int length, long seq, int tcpFlags,
                            int payloadHash) {
    public Encapsulation {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(inner, "inner");
    }

    /** Whether {@code frame} shows the carried packet itself: same tuple, identification, length, sequence and payload. */
    public boolean carries(CapturedPacket frame) {
        if (!frame.hasPacket() || frame.payloadHash() != payloadHash) {
            return false;
        }
        Packet p = frame.ipPacket();
        int sport = p.isIcmp() ? p.icmpId() : p.sport();
        return p.proto() == inner.protocol() && p.length() == length && p.ipId() == ipId && p.seq() == seq
                && (!p.isTcp() || p.tcpFlags() == tcpFlags) && sport == inner.sport() && p.dport() == inner.dport()
                && p.src().equals(inner.src()) && p.dst().equals(inner.dst());
    }

    /** How the tunnel is named in notes: "VXLAN (VNI 1)", "Geneve (VNI 5)", "IP-in-IP". */
    public String describe() {
        return switch (type) {
            case VXLAN -> "VXLAN" + (vni >= 0 ? " (VNI " + vni + ")" : "");
            case GENEVE -> "Geneve" + (vni >= 0 ? " (VNI " + vni + ")" : "");
            case IPIP -> "IP-in-IP";
            case IPV6_IN_IP -> "IPv6-in-IP";
            case NONE -> "no tunnel";
        };
    }
}
