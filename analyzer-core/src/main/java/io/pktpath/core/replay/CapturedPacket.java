package io.pktpath.core.replay;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.packet.DecodeStatus;
import io.pktpath.core.packet.DecodedPacket;
import io.pktpath.core.trace.PacketSummary;
import java.util.Objects;
import java.util.Optional;

/**
 * One frame of the capture, decoded and kept for the replay: the report's summary, the engine's packet (absent for
 * frames that are not replayable IP packets), the decode status with its message, and the link-layer facts the capture
 * point logic needs (source MAC, SLL packet type; -1 when unknown), and a hash of the first payload bytes, which
 * tells apart two packets whose headers are alike (same IP id and length) when NAT changed their addresses; for an IP
 * fragment, its place in its datagram (empty for a whole packet: the replay tests only that); for a tunnel frame (an
 * underlay packet carrying VXLAN, Geneve or IP-in-IP), the packet it carries; for an IPv4 ARP request or reply, its
 * fields (the replay explains those as arp_process handles them).
 */
public record CapturedPacket(PacketSummary summary, Optional<Packet> packet, DecodeStatus status, String statusMessage,
                             long linkSrcMac, long linkDstMac, int sllPacketType, int payloadHash,
                             Optional<IpFragment> fragment, Optional<Encapsulation> encapsulation,
                             Optional<DecodedPacket.Arp> arp) {
    public CapturedPacket {
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(packet, "packet");
        Objects.requireNonNull(status, "status");
        statusMessage = statusMessage == null ? "" : statusMessage;
        Objects.requireNonNull(fragment, "fragment");
        Objects.requireNonNull(encapsulation, "encapsulation");
        Objects.requireNonNull(arp, "arp");
    }

    /** A frame that is not ARP. */
    public CapturedPacket(PacketSummary summary, Optional<Packet> packet, DecodeStatus status, String statusMessage,
                          long linkSrcMac, long linkDstMac, int sllPacketType, int payloadHash,
                          Optional<IpFragment> fragment, Optional<Encapsulation> encapsulation) {
        this(summary, packet, status, statusMessage, linkSrcMac, linkDstMac, sllPacketType, payloadHash, fragment,
                encapsulation, Optional.empty());
    }

    /** A frame that carries no tunnel's packet. */
    public CapturedPacket(PacketSummary summary, Optional<Packet> packet, DecodeStatus status, String statusMessage,
                          long linkSrcMac, long linkDstMac, int sllPacketType, int payloadHash,
                          Optional<IpFragment> fragment) {
        this(summary, packet, status, statusMessage, linkSrcMac, linkDstMac, sllPacketType, payloadHash, fragment,
                Optional.empty());
    }

    /** A frame that is not an IP fragment. */
    public CapturedPacket(PacketSummary summary, Optional<Packet> packet, DecodeStatus status, String statusMessage,
                          long linkSrcMac, long linkDstMac, int sllPacketType, int payloadHash) {
        this(summary, packet, status, statusMessage, linkSrcMac, linkDstMac, sllPacketType, payloadHash, Optional.empty());
    }

    /**
     * This frame as captured on {@code iface} in direction {@code dir} ("in" or "out"), for a capture that did not say:
     * its summary placed there, and its packet (if any) received on or sent out of that interface.
     */
    public CapturedPacket placedOn(String iface, String dir) {
        Optional<Packet> moved = packet.map(p -> dir.equals("out") ? p.withInIface("").withOutIface(iface)
                : p.withInIface(iface).withOutIface(""));
        return new CapturedPacket(summary.placedOn(iface, dir), moved, status, statusMessage, linkSrcMac, linkDstMac,
                sllPacketType, payloadHash, fragment, encapsulation, arp);
    }

    public long frame() {
        return summary.frame();
    }

    public boolean inbound() {
        return summary.dir().equals("in");
    }

    public boolean outbound() {
        return summary.dir().equals("out");
    }
}
