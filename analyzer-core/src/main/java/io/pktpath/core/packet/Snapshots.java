package io.pktpath.core.packet;

import io.pktpath.parser.net.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Copies a {@link PacketView} into an immutable {@link DecodedPacket}. */
final class Snapshots {
    private Snapshots() {
    }

    static DecodedPacket of(PacketView v) {
        List<Integer> vlans = new ArrayList<>();
        for (int i = 0; i < Math.min(v.vlanCount, v.vlanIds.length); i++) {
            vlans.add(v.vlanIds[i]);
        }
        var link = new DecodedPacket.Link(v.linkType, v.linkSrc, v.linkDst, v.etherType, vlans, v.vlanCount,
                v.sllPacketType, v.sllIfindex);
        Optional<DecodedPacket.Ip> ip = v.family == 0 ? Optional.empty() : Optional.of(ip(v));
        var transport = new DecodedPacket.Transport(v.srcPort, v.dstPort, v.tcpFlags, v.seq, v.ack, v.window,
                v.tcpHeaderLength, v.mss, v.payloadOffset, v.payloadLength);
        Optional<DecodedPacket.Icmp> icmp = v.icmpType < 0 ? Optional.empty()
                : Optional.of(new DecodedPacket.Icmp(v.icmpType, v.icmpCode, v.icmpId, v.icmpSeq, v.icmpMtu));
        Optional<DecodedPacket.Arp> arp = v.arpOp < 0 ? Optional.empty()
                : Optional.of(new DecodedPacket.Arp(v.arpOp, v.arpSenderMac, IpAddress.v4(v.arpSenderIp),
                        v.arpTargetMac, IpAddress.v4(v.arpTargetIp)));
        Optional<DecodedPacket> quoted = v.hasQuoted() || (v.quoted != null && v.quoted.status != DecodeStatus.OK)
                ? Optional.of(of(v.quoted)) : Optional.empty();
        Optional<DecodedPacket> inner = v.tunnel != TunnelType.NONE ? Optional.of(of(v.inner)) : Optional.empty();
        return new DecodedPacket(v.status, v.statusMessage, link, ip, transport, icmp, arp, v.tunnel, v.vni,
                quoted, inner);
    }

    private static DecodedPacket.Ip ip(PacketView v) {
        IpAddress src = v.family == 4 ? IpAddress.v4(v.src4) : IpAddress.v6(v.srcHi, v.srcLo);
        IpAddress dst = v.family == 4 ? IpAddress.v4(v.dst4) : IpAddress.v6(v.dstHi, v.dstLo);
        return new DecodedPacket.Ip(v.family, v.protocol, src, dst, v.tos, v.ipId, v.ttl, v.ipTotalLength,
                v.ipHeaderLength, v.dontFragment, v.moreFragments, v.fragmentOffset, v.fragment,
                v.isFirstFragment(), v.payloadCut);
    }
}
