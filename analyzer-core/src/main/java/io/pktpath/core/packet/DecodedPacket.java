package io.pktpath.core.packet;

import io.pktpath.parser.net.IpAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable copy of a {@link PacketView}, for consumers that keep packets (GUI, tests). Absent numbers are -1.
 *
 * @param status        decode outcome
 * @param statusMessage why it is not OK ("" when OK)
 * @param link          link-layer fields
 * @param ip            IP header, when one was decoded
 * @param transport     transport fields (ports etc.), all -1 when absent
 * @param icmp          ICMP fields, when the packet is ICMP/ICMPv6
 * @param arp           ARP fields, when the frame is ARP
 * @param tunnel        decoded encapsulation
 * @param vni           VXLAN/Geneve VNI or -1
 * @param quoted        header quoted by an ICMP error
 * @param inner         the encapsulated packet
 */
public record DecodedPacket(DecodeStatus status, String statusMessage, Link link, Optional<Ip> ip, Transport transport,
                            Optional<Icmp> icmp, Optional<Arp> arp, TunnelType tunnel, int vni,
                            Optional<DecodedPacket> quoted, Optional<DecodedPacket> inner) {
    public DecodedPacket {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(statusMessage, "statusMessage");
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(icmp, "icmp");
        Objects.requireNonNull(arp, "arp");
        Objects.requireNonNull(tunnel, "tunnel");
        Objects.requireNonNull(quoted, "quoted");
        Objects.requireNonNull(inner, "inner");
    }

    /**
     * Link-layer fields.
     *
     * @param linkType      LINKTYPE_* (-1 for a quoted or IP-in-IP packet)
     * @param src           source MAC bits or -1
     * @param dst           destination MAC bits or -1
     * @param etherType     EtherType or -1
     * @param vlanIds       VLAN ids, outermost first (at most two kept)
     * @param vlanCount     number of VLAN tags
     * @param sllPacketType Linux packet type or -1
     * @param sllIfindex    SLL2 ifindex or -1
     */
    public record Link(int linkType, long src, long dst, int etherType, List<Integer> vlanIds, int vlanCount,
                       int sllPacketType, int sllIfindex) {
        public Link {
            vlanIds = List.copyOf(vlanIds);
        }
    }

    /**
     * IP header fields.
     *
     * @param family         4 or 6
     * @param protocol       IP protocol after extension headers
     * @param src            source address
     * @param dst            destination address
     * @param tos            TOS / traffic class
     * @param ipId           identification (IPv6: fragment header id) or -1
     * @param ttl            TTL / hop limit
     * @param totalLength    IPv4 total length, IPv6 payload length + 40
     * @param headerLength   header length including options / extension headers
     * @param dontFragment   DF flag
     * @param moreFragments  MF flag
     * @param fragmentOffset fragment offset in bytes
     * @param fragment       whether this is a fragment
     * @param firstFragment  whether this is the first fragment
     * @param payloadCut     whether the capture holds fewer bytes than declared
     */
    public record Ip(int family, int protocol, IpAddress src, IpAddress dst, int tos, int ipId, int ttl,
                     int totalLength, int headerLength, boolean dontFragment, boolean moreFragments,
                     int fragmentOffset, boolean fragment, boolean firstFragment, boolean payloadCut) {
        public Ip {
            Objects.requireNonNull(src, "src");
            Objects.requireNonNull(dst, "dst");
        }
    }

    /**
     * Transport fields (-1 when absent).
     *
     * @param srcPort       source port (ICMP echo: id)
     * @param dstPort       destination port (ICMP echo: id)
     * @param tcpFlags      TCP flags byte
     * @param seq           TCP sequence number
     * @param ack           TCP acknowledgment number
     * @param window        TCP window
     * @param headerLength  TCP header length
     * @param mss           TCP MSS option
     * @param payloadOffset payload offset in the frame
     * @param payloadLength payload length as declared
     */
    public record Transport(int srcPort, int dstPort, int tcpFlags, long seq, long ack, int window, int headerLength,
                            int mss, int payloadOffset, int payloadLength) {
    }

    /**
     * ICMP/ICMPv6 fields.
     *
     * @param type ICMP type
     * @param code ICMP code
     * @param id   echo id or -1
     * @param seq  echo sequence or -1
     * @param mtu  MTU of "fragmentation needed" / "packet too big" or -1
     */
    public record Icmp(int type, int code, int id, int seq, int mtu) {
    }

    /**
     * ARP fields.
     *
     * @param op        opcode (1 request, 2 reply)
     * @param senderMac sender hardware address bits
     * @param senderIp  sender protocol address
     * @param targetMac target hardware address bits
     * @param targetIp  target protocol address
     */
    public record Arp(int op, long senderMac, IpAddress senderIp, long targetMac, IpAddress targetIp) {
        public Arp {
            Objects.requireNonNull(senderIp, "senderIp");
            Objects.requireNonNull(targetIp, "targetIp");
        }
    }
}
