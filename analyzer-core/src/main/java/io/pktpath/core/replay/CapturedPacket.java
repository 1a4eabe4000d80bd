package io.pktpath.core.replay;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.packet.DecodeStatus;
import io.pktpath.core.packet.DecodedPacket;
import io.pktpath.core.trace.PacketSummary;
import java.util.Objects;
import java.util.Optional;

/**
 * One frame of the capture, decoded and kept for the replay: the report's summary, the engine's packet ({@code null}
 * for frames that are not replayable IP packets: {@link #packet()} gives it as an {@code Optional}), the link-layer
 * facts the capture point logic needs ({@link LinkLayer}: source and destination MAC, SLL packet type), a hash of the
 * first payload bytes, which tells apart two packets whose headers are alike (same IP id and length) when NAT changed
 * their addresses, and the rest of what decoding found ({@link FrameDetails}): the decode status with its message; for
 * an IP fragment, its place in its datagram (empty for a whole packet: the replay tests only that); for a tunnel frame
 * (an underlay packet carrying VXLAN, Geneve or IP-in-IP), the packet it carries; for an IPv4 ARP request or reply, its
 * fields (the replay explains those as arp_process handles them).
 */
public record CapturedPacket(PacketSummary summary, Packet ipPacket, LinkLayer link, int payloadHash,
                             FrameDetails details) {
    public CapturedPacket {
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(details, "details");
    }

    /** A frame with each of its details given. */
    public CapturedPacket(PacketSummary summary, Optional<Packet> packet, DecodeStatus status, String statusMessage,
                          long linkSrcMac, long linkDstMac, int sllPacketType, int payloadHash,
                          Optional<IpFragment> fragment, Optional<Encapsulation> encapsulation,
                          Optional<DecodedPacket.Arp> arp) {
        this(summary, packet.orElse(null), new LinkLayer(linkSrcMac, linkDstMac, sllPacketType), payloadHash,
                FrameDetails.of(status, statusMessage, fragment, encapsulation, arp));
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
        Packet moved = ipPacket == null ? null : dir.equals("out") ? ipPacket.withInIface("").withOutIface(iface)
                : ipPacket.withInIface(iface).withOutIface("");
        return new CapturedPacket(summary.placedOn(iface, dir), moved, link, payloadHash, details);
    }

    /** The source MAC as 48 bits, or -1 when the capture has none. */
    public long linkSrcMac() {
        return link.srcMac();
    }

    /** The destination MAC as 48 bits, or -1 when the capture has none. */
    public long linkDstMac() {
        return link.dstMac();
    }

    /** The Linux SLL packet type (0 host ... 4 outgoing), or -1 when none. */
    public int sllPacketType() {
        return link.sllPacketType();
    }

    /** The engine's packet, empty for a frame that is not a replayable IP packet. */
    public Optional<Packet> packet() {
        return Optional.ofNullable(ipPacket);
    }

    /** Whether the frame is a replayable IP packet ({@link #ipPacket()} is not null). */
    public boolean hasPacket() {
        return ipPacket != null;
    }

    /** How the frame decoded. */
    public DecodeStatus status() {
        return details.status();
    }

    /** Why the status is not OK ("" when OK). */
    public String statusMessage() {
        return details.statusMessage();
    }

    /** For an IP fragment, its place in its datagram; empty for a whole packet. */
    public Optional<IpFragment> fragment() {
        return details.fragment();
    }

    /** For a tunnel frame, the packet it carries; else empty. */
    public Optional<Encapsulation> encapsulation() {
        return details.encapsulation();
    }

    /** For an IPv4 ARP request or reply, its fields; else empty. */
    public Optional<DecodedPacket.Arp> arp() {
        return details.arp();
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
