package io.pktpath.core.packet;

/**
 * Reused, mutable result of decoding one frame: link, IP, transport, ICMP and ARP fields as primitives, plus the
 * quoted header of an ICMP error and the inner packet of a tunnel. Absent numeric fields are -1; see {@link #snapshot()}.
 */
public final class PacketView {
    final PacketView quoted;
    final PacketView inner;
    /** Whether a decoder wrote into {@link #quoted} or {@link #inner} since the last reset (else they are clear). */
    private boolean childrenUsed;
    int base;
    DecodeStatus status;
    String statusMessage;
    int linkType;
    long linkSrc;
    long linkDst;
    int etherType;
    int vlanCount;
    final int[] vlanIds = new int[2];
    int sllPacketType;
    int sllIfindex;
    int family;
    int protocol;
    int src4;
    int dst4;
    long srcHi;
    long srcLo;
    long dstHi;
    long dstLo;
    int tos;
    int ipId;
    int ttl;
    int ipTotalLength;
    int ipHeaderLength;
    boolean dontFragment;
    boolean moreFragments;
    int fragmentOffset;
    boolean fragment;
    int srcPort;
    int dstPort;
    int tcpFlags;
    long seq;
    long ack;
    int window;
    int tcpHeaderLength;
    int mss;
    int payloadOffset;
    int payloadLength;
    boolean payloadCut;
    int icmpType;
    int icmpCode;
    int icmpId;
    int icmpSeq;
    int icmpMtu;
    int arpOp;
    long arpSenderMac;
    int arpSenderIp;
    long arpTargetMac;
    int arpTargetIp;
    TunnelType tunnel;
    int vni;

    /** Creates a view with room for one quoted header and one level of inner packet. */
    public PacketView() {
        this(true);
    }

    private PacketView(boolean outer) {
        this.quoted = outer ? new PacketView(false) : null;
        this.inner = outer ? new PacketView(false) : null;
        reset();
    }

    /** Clears every field to "absent". */
    void reset() {
        status = DecodeStatus.OK;
        statusMessage = "";
        linkType = -1;
        linkSrc = -1;
        linkDst = -1;
        etherType = -1;
        vlanCount = 0;
        vlanIds[0] = -1;
        vlanIds[1] = -1;
        sllPacketType = -1;
        sllIfindex = -1;
        family = 0;
        protocol = -1;
        src4 = dst4 = 0;
        srcHi = srcLo = dstHi = dstLo = 0;
        tos = ipId = ttl = ipTotalLength = ipHeaderLength = -1;
        dontFragment = moreFragments = fragment = payloadCut = false;
        fragmentOffset = 0;
        srcPort = dstPort = tcpFlags = window = tcpHeaderLength = mss = -1;
        seq = ack = -1;
        payloadOffset = payloadLength = -1;
        icmpType = icmpCode = icmpId = icmpSeq = icmpMtu = -1;
        arpOp = arpSenderIp = arpTargetIp = -1;
        arpSenderMac = arpTargetMac = -1;
        tunnel = TunnelType.NONE;
        vni = -1;
        if (childrenUsed) {
            quoted.reset();
            inner.reset();
            childrenUsed = false;
        }
    }

    /** The quoted header, for a decoder about to fill it (so the next {@link #reset()} clears it again). */
    PacketView quotedForDecode() {
        childrenUsed = true;
        return quoted;
    }

    /** The tunnel's inner packet, for a decoder about to fill it (so the next {@link #reset()} clears it again). */
    PacketView innerForDecode() {
        childrenUsed = true;
        return inner;
    }

    /** Records the first problem found; later problems do not overwrite it. */
    void problem(DecodeStatus s, String message) {
        if (status == DecodeStatus.OK) {
            status = s;
            statusMessage = message;
        }
    }

    /** Decode outcome. */
    public DecodeStatus status() { return status; }
    /** Why the status is not OK ("" when OK), e.g. "truncated TCP header (needed 20 bytes, have 12)". */
    public String statusMessage() { return statusMessage; }
    /** LINKTYPE_* the frame was decoded as (ETHERNET for a tunnel's inner frame). */
    public int linkType() { return linkType; }
    /** Source MAC as 48 bits, or -1. */
    public long linkSrc() { return linkSrc; }
    /** Destination MAC as 48 bits, or -1. */
    public long linkDst() { return linkDst; }
    /** EtherType (or SLL protocol) of the network layer, or -1. */
    public int etherType() { return etherType; }
    /** Number of 802.1Q/802.1ad tags. */
    public int vlanCount() { return vlanCount; }
    /** VLAN id of tag {@code i} (0 = outermost; the first two tags are kept), or -1. */
    public int vlanId(int i) { return i < vlanIds.length ? vlanIds[i] : -1; }
    /** Linux SLL/SLL2 packet type (0 host ... 4 outgoing), or -1. */
    public int sllPacketType() { return sllPacketType; }
    /** Linux SLL2 interface index, or -1. */
    public int sllIfindex() { return sllIfindex; }
    /** 4 or 6 when an IP header was decoded, else 0. */
    public int family() { return family; }
    /** IP protocol (after IPv6 extension headers), or -1. */
    public int protocol() { return protocol; }
    /** IPv4 source address bits. */
    public int src4() { return src4; }
    /** IPv4 destination address bits. */
    public int dst4() { return dst4; }
    /** IPv6 source address, high 64 bits. */
    public long srcHi() { return srcHi; }
    /** IPv6 source address, low 64 bits. */
    public long srcLo() { return srcLo; }
    /** IPv6 destination address, high 64 bits. */
    public long dstHi() { return dstHi; }
    /** IPv6 destination address, low 64 bits. */
    public long dstLo() { return dstLo; }
    /** IPv4 TOS or IPv6 traffic class, or -1. */
    public int tos() { return tos; }
    /** IPv4 identification or IPv6 fragment-header identification, or -1. */
    public int ipId() { return ipId; }
    /** IPv4 TTL or IPv6 hop limit, or -1. */
    public int ttl() { return ttl; }
    /** IPv4 total length, or IPv6 payload length + 40, or -1. */
    public int ipTotalLength() { return ipTotalLength; }
    /** IPv4 header length, or 40 + extension headers for IPv6, or -1. */
    public int ipHeaderLength() { return ipHeaderLength; }
    /** IPv4 DF flag. */
    public boolean dontFragment() { return dontFragment; }
    /** More-fragments flag (IPv4 MF or IPv6 fragment header M). */
    public boolean moreFragments() { return moreFragments; }
    /** Fragment offset in bytes. */
    public int fragmentOffset() { return fragmentOffset; }
    /** Whether the packet is a fragment (MF set, offset > 0, or an IPv6 fragment header). */
    public boolean isFragment() { return fragment; }
    /** Whether the packet is the first fragment (carries the transport header). */
    public boolean isFirstFragment() { return fragment && fragmentOffset == 0; }
    /** TCP/UDP/SCTP source port, or -1. */
    public int srcPort() { return srcPort; }
    /** TCP/UDP/SCTP destination port, or -1. */
    public int dstPort() { return dstPort; }
    /** TCP flags byte (FIN 0x01 ... CWR 0x80), or -1. */
    public int tcpFlags() { return tcpFlags; }
    /** TCP sequence number (unsigned), or -1. */
    public long seq() { return seq; }
    /** TCP acknowledgment number (unsigned), or -1. */
    public long ack() { return ack; }
    /** TCP window, or -1. */
    public int window() { return window; }
    /** TCP header length in bytes, or -1. */
    public int tcpHeaderLength() { return tcpHeaderLength; }
    /** TCP MSS option, or -1. */
    public int mss() { return mss; }
    /** Offset of the transport payload in the frame, or -1. */
    public int payloadOffset() { return payloadOffset; }
    /** Transport payload length as the headers declare it (may exceed what was captured), or -1. */
    public int payloadLength() { return payloadLength; }
    /** Whether the capture holds fewer bytes than the IP header declares (snaplen cut). */
    public boolean payloadCut() { return payloadCut; }
    /** ICMP/ICMPv6 type, or -1. */
    public int icmpType() { return icmpType; }
    /** ICMP/ICMPv6 code, or -1. */
    public int icmpCode() { return icmpCode; }
    /** ICMP echo identifier, or -1. */
    public int icmpId() { return icmpId; }
    /** ICMP echo sequence, or -1. */
    public int icmpSeq() { return icmpSeq; }
    /** MTU of "fragmentation needed" / "packet too big", or -1. */
    public int icmpMtu() { return icmpMtu; }
    /** The quoted header of an ICMP error (check {@link #hasQuoted()}). */
    public PacketView quoted() { return quoted; }
    /** Whether an ICMP error quoted an IP header. */
    public boolean hasQuoted() { return quoted != null && quoted.family != 0; }
    /** ARP opcode, or -1. */
    public int arpOp() { return arpOp; }
    /** ARP sender MAC, or -1. */
    public long arpSenderMac() { return arpSenderMac; }
    /** ARP sender IPv4 address bits. */
    public int arpSenderIp() { return arpSenderIp; }
    /** ARP target MAC, or -1. */
    public long arpTargetMac() { return arpTargetMac; }
    /** ARP target IPv4 address bits. */
    public int arpTargetIp() { return arpTargetIp; }
    /** Decoded encapsulation, NONE if none. */
    public TunnelType tunnel() { return tunnel; }
    /** VXLAN/Geneve VNI, or -1. */
    public int vni() { return vni; }
    /** The encapsulated packet (valid when {@link #tunnel()} is not NONE). */
    public PacketView inner() { return inner; }

    /** An immutable copy of everything decoded. */
    public DecodedPacket snapshot() {
        return Snapshots.of(this);
    }
}
