package io.pktpath.core.replay;

import io.pktpath.core.capture.Bytes;
import io.pktpath.core.capture.Direction;
import io.pktpath.core.capture.FrameView;
import io.pktpath.core.engine.LinkClass;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.packet.DecodeStatus;
import io.pktpath.core.packet.DecodedPacket;
import io.pktpath.core.packet.PacketView;
import io.pktpath.core.packet.TunnelType;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import java.util.Optional;

/**
 * Turns a decoded frame into the replay's {@link CapturedPacket}: the report summary (with a tcpdump-like info text)
 * and, for IP frames, the engine's immutable {@link Packet}. Interface and direction overrides from the user apply here.
 * One converter serves one thread (it shares address instances between the packets it makes).
 */
public final class PacketConverter {
    private static final byte[] NO_TEXT = new byte[0];
    private static final int FNV_BASIS = 0x811c9dc5;

    private final String ifaceOverride;
    private final Direction dirOverride;

    private final Ipv4Interner addresses = new Ipv4Interner();
    private final MacTexts macs = new MacTexts();
    private final LinkLayers links = new LinkLayers();
    private final PacketInfo info = new PacketInfo();

    public PacketConverter(String ifaceOverride, Direction dirOverride) {
        this.ifaceOverride = ifaceOverride == null ? "" : ifaceOverride;
        this.dirOverride = dirOverride == null ? Direction.UNKNOWN : dirOverride;
    }

    public CapturedPacket convert(FrameView frame, PacketView view) {
        String iface = !ifaceOverride.isEmpty() ? ifaceOverride
                : frame.interfaceName() == null ? "" : frame.interfaceName();
        Direction direction = dirOverride != Direction.UNKNOWN ? dirOverride : frame.direction();
        String dir = switch (direction) {
            case IN -> "in";
            case OUT -> "out";
            case UNKNOWN -> "";
        };
        boolean ip = view.status() == DecodeStatus.OK && (view.family() == 4 || view.family() == 6);
        boolean truncatedButUsable = view.status() == DecodeStatus.TRUNCATED && view.family() != 0 && view.protocol() >= 0
                && view.ipTotalLength() > 0;
        // one shared instance per IPv4 address seen lately: a node's traffic repeats a bounded set of addresses, and
        // every conntrack entry keeps the addresses of its first packet
        Optional<IpAddress> src = Optional.empty();
        Optional<IpAddress> dst = Optional.empty();
        byte[] srcText = NO_TEXT;
        byte[] dstText = NO_TEXT;
        int proto = view.family() == 0 ? -1 : view.protocol();
        // a whole TCP or UDP packet's info text is left to the summary's fields (PacketSummary.info writes the same
        // text when a view shows it); every other frame's is written here, from what only the decoder sees
        boolean plain = ip && !view.isFragment() && ports(view) && view.dstPort() >= 0
                && (proto == Packet.TCP && view.tcpFlags() >= 0 || proto == Packet.UDP);
        if (view.family() == 4) {
            int slot = addresses.slot(view.src4());
            src = addresses.addressAt(slot);
            srcText = plain ? NO_TEXT : addresses.asciiAt(slot);
            slot = addresses.slot(view.dst4());
            dst = addresses.addressAt(slot);
            dstText = plain ? NO_TEXT : addresses.asciiAt(slot);
        } else if (view.family() == 6) {
            src = Optional.of(source(view));
            dst = Optional.of(destination(view));
            if (!plain) {
                srcText = PacketInfo.ascii(src.get().toString());
                dstText = PacketInfo.ascii(dst.get().toString());
            }
        }
        Packet packet = null;
        if ((ip || truncatedButUsable) && src.isPresent()) {
            packet = packet(frame, view, src.get(), dst.get(), iface, direction, macs.text(view.linkSrc()));
        }
        boolean tcp = proto == Packet.TCP && view.tcpFlags() >= 0;
        PacketSummary summary = new PacketSummary(frame.frameNumber(), frame.timestampNanos(), iface, dir,
                view.family() == 4 || view.family() == 6 ? view.family() : 0, proto, src, dst,
                ports(view) ? view.srcPort() : -1, ports(view) ? view.dstPort() : -1,
                view.family() == 4 ? view.ipId() : -1, view.family() != 0 ? view.ipTotalLength() : (int) frame.originalLength(),
                isIcmp(view) ? view.icmpType() : -1, isIcmp(view) ? view.icmpCode() : -1,
                proto == Packet.TCP ? view.tcpFlags() : -1,
                plain ? null : info.describe(view, (int) frame.originalLength(), srcText, dstText),
                tcp ? view.seq() : -1, tcp ? view.ack() : -1, packet == null ? Optional.empty() : packet.quoted(),
                proto == Packet.TCP || proto == Packet.UDP ? Math.max(view.payloadLength(), 0) : -1);
        FrameDetails details = FrameDetails.of(view.status(), view.statusMessage(),
                packet != null ? fragment(view) : Optional.empty(),
                packet != null ? encapsulation(frame, view) : Optional.empty(),
                view.arpOp() > 0 ? arp(view) : Optional.empty());
        return new CapturedPacket(summary, packet, links.of(view.linkSrc(), view.linkDst(), view.sllPacketType()),
                payloadHash(frame, view), details);
    }

    /** An IPv4 ARP request's or reply's fields (a frame the decoder read whole); empty for other ARP ops. */
    private Optional<DecodedPacket.Arp> arp(PacketView v) {
        if (v.arpOp() != 1 && v.arpOp() != 2 || v.status() != DecodeStatus.NOT_IP || v.arpSenderMac() < 0) {
            return Optional.empty();
        }
        return Optional.of(new DecodedPacket.Arp(v.arpOp(), v.arpSenderMac(),
                addresses.addressAt(addresses.slot(v.arpSenderIp())).orElseThrow(), v.arpTargetMac(),
                addresses.addressAt(addresses.slot(v.arpTargetIp())).orElseThrow()));
    }

    /** The packet a tunnel frame carries, when the decoder found a whole IP packet inside it; else empty. */
    private static Optional<Encapsulation> encapsulation(FrameView frame, PacketView v) {
        if (v.tunnel() == TunnelType.NONE) {
            return Optional.empty();
        }
        PacketView in = v.inner();
        if (in.status() != DecodeStatus.OK || in.family() != 4 && in.family() != 6 || in.isFragment() && !in.isFirstFragment()) {
            return Optional.empty();
        }
        boolean icmp = isIcmp(in);
        boolean ports = ports(in);
        Tuple tuple = new Tuple(in.protocol(), source(in), icmp ? Math.max(in.icmpId(), 0) : ports ? in.srcPort() : 0,
                destination(in), ports ? in.dstPort() : 0);
        boolean tcp = in.protocol() == Packet.TCP && in.tcpFlags() >= 0;
        return Optional.of(new Encapsulation(v.tunnel(), v.vni(), tuple, Math.max(in.ipId(), 0), in.ipTotalLength(),
                tcp ? Math.max(in.seq(), 0) : 0, tcp ? in.tcpFlags() : 0, payloadHash(frame, in)));
    }

    /** The frame's place in its datagram when it is an IP fragment, else empty. */
    private static Optional<IpFragment> fragment(PacketView v) {
        if (!v.isFragment() || v.ipHeaderLength() < 0) {
            return Optional.empty();
        }
        long id = v.family() == 4 ? v.ipId() : v.ipId() & 0xffffffffL;
        return Optional.of(new IpFragment(id, v.fragmentOffset(), Math.max(v.ipTotalLength() - v.ipHeaderLength(), 0),
                v.moreFragments(), v.ipHeaderLength()));
    }

    /**
     * A hash of the first 32 payload bytes that were captured (0 when there are none), FNV-1a's steps over four bytes
     * at a time: each step is a bijection of the hash, so two payloads that differ in one of those words never hash
     * alike.
     */
    private static int payloadHash(FrameView frame, PacketView v) {
        if (v.hasQuoted()) {
            // an ICMP error's payload is the packet it quotes, whose addresses, ports and checksums NAT rewrites on the
            // way through the node: only what NAT leaves alone identifies the copy that left
            PacketView q = v.quoted();
            int h = mix(mix(mix(FNV_BASIS, q.ipId()), q.protocol()), q.ipTotalLength());
            return bytes(h, frame, q.payloadOffset(), q.payloadLength());
        }
        return bytes(FNV_BASIS, frame, v.payloadOffset(), v.payloadLength());
    }

    /**
     * {@code h} with the first (at most 32) of {@code length} bytes from {@code start} mixed in, four at a time and the
     * rest one at a time; 0 for no bytes of a packet's own payload.
     */
    private static int bytes(int h, FrameView frame, int start, int length) {
        int n = Math.min(Math.max(length, 0), 32);
        if (start < 0 || n == 0) {
            return h == FNV_BASIS ? 0 : h;
        }
        int end = Math.min(start + n, frame.capturedLength());
        byte[] a = frame.array();
        int i = frame.offset() + start;
        int last = frame.offset() + end;
        for (; i + 4 <= last; i += 4) {
            h = mix(h, Bytes.i32(a, i));
        }
        for (; i < last; i++) {
            h = mix(h, a[i] & 0xff);
        }
        return h;
    }

    private static int mix(int h, int value) {
        return (h ^ value) * 0x01000193;
    }

    private static boolean isIcmp(PacketView v) {
        return v.protocol() == Packet.ICMP || v.protocol() == Packet.ICMPV6;
    }

    private static boolean ports(PacketView v) {
        int p = v.protocol();
        return (p == Packet.TCP || p == Packet.UDP || p == Packet.SCTP || p == 136) && v.srcPort() >= 0
                && (!v.isFragment() || v.isFirstFragment());
    }

    static IpAddress source(PacketView v) {
        return v.family() == 4 ? IpAddress.v4(v.src4()) : IpAddress.v6(v.srcHi(), v.srcLo());
    }

    static IpAddress destination(PacketView v) {
        return v.family() == 4 ? IpAddress.v4(v.dst4()) : IpAddress.v6(v.dstHi(), v.dstLo());
    }

    private static Packet packet(FrameView frame, PacketView v, IpAddress src, IpAddress dst, String iface,
                                 Direction direction, Optional<String> linkSrc) {
        IpFamily family = v.family() == 4 ? IpFamily.V4 : IpFamily.V6;
        boolean hasPorts = ports(v);
        Optional<Tuple> quoted = Optional.empty();
        if (v.hasQuoted()) {
            PacketView q = v.quoted();
            boolean qPorts = ports(q);
            int qsport = isIcmp(q) ? Math.max(q.icmpId(), 0) : qPorts ? q.srcPort() : 0;
            quoted = Optional.of(new Tuple(q.protocol(), source(q), qsport, destination(q), qPorts ? q.dstPort() : 0));
        }
        boolean in = direction != Direction.OUT;
        return new Packet(frame.frameNumber(), frame.timestampNanos(), family, v.protocol(), src, dst,
                hasPorts ? v.srcPort() : 0, hasPorts ? v.dstPort() : 0, Math.max(v.tcpFlags(), 0), Math.max(v.seq(), 0),
                Math.max(v.ack(), 0), Math.max(v.payloadLength(), 0), Math.max(v.ipId(), 0), v.ipTotalLength(),
                v.ttl(), isIcmp(v) ? v.icmpType() : -1, isIcmp(v) ? v.icmpCode() : -1,
                isIcmp(v) ? Math.max(v.icmpId(), 0) : 0, quoted, v.isFragment() && !v.isFirstFragment(),
                !v.isFragment() || v.isFirstFragment(), v.family() == 4 && v.dontFragment(), linkClass(v), linkSrc,
                in ? iface : "", in ? "" : iface, "", "", false, 0, !in);
    }

    private static LinkClass linkClass(PacketView v) {
        return switch (v.sllPacketType()) {
            case 1 -> LinkClass.BROADCAST;
            case 2 -> LinkClass.MULTICAST;
            case 3 -> LinkClass.OTHERHOST;
            default -> {
                long dstMac = v.linkDst();
                if (dstMac == 0xffffffffffffL) {
                    yield LinkClass.BROADCAST;
                }
                yield dstMac > 0 && (dstMac & 0x010000000000L) != 0 ? LinkClass.MULTICAST : LinkClass.UNICAST;
            }
        };
    }

    /** A 48-bit MAC address as {@code ip link} prints it ({@code aa:bb:cc:dd:ee:ff}), or empty for none. */
    static Optional<String> mac(long bits) {
        if (bits <= 0) {
            return Optional.empty();
        }
        StringBuilder sb = new StringBuilder(17);
        for (int i = 5; i >= 0; i--) {
            int b = (int) (bits >>> (8 * i)) & 0xff;
            if (sb.length() > 0) {
                sb.append(':');
            }
            sb.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 15, 16));
        }
        return Optional.of(sb.toString());
    }
}
