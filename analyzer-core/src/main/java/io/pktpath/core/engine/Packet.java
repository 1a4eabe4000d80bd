package io.pktpath.core.engine;

import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import java.util.Objects;
import java.util.Optional;

/**
 * The headers and metadata of one packet as it crosses the node, immutable: NAT, MARK and routing produce new values
 * with the {@code with*} methods. Ports are 0 for protocols without them; ICMP carries type, code and echo id, and for
 * errors the tuple of the quoted packet as carried in the error ({@link #quoted()}); {@code dontFragment} is IPv4's DF
 * bit (always false for IPv6, which routers never fragment). Interface names are empty when none
 * ({@code outIface} before routing); {@link #physIn()}/{@link #physOut()} are bridge ports for bridged frames.
 * {@link #fragMaxSize()} is the length of the largest fragment a datagram reassembled by nf_defrag arrived in (the
 * kernel's IPCB/IP6CB frag_max_size), 0 for a packet that was not reassembled. The fields most packets leave at their
 * defaults (ICMP, quoted tuple, bridge ports, reassembly) are kept in {@link Extras}, one shared instance for the usual
 * values, so a TCP or UDP packet and each of its copies are smaller.
 */
public record Packet(long frame, long timeNanos, IpFamily family, int proto, IpAddress src, IpAddress dst,
                     int sport, int dport, int tcpFlags, long seq, long ack, int payloadLength, int ipId, int length,
                     int ttl, boolean fragment, boolean firstFragment, boolean dontFragment, LinkClass linkClass,
                     Optional<String> macSource, String inIface, String outIface, long mark,
                     boolean locallyGenerated, Extras extras) {
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int ICMP = 1;
    public static final int ICMPV6 = 58;
    public static final int SCTP = 132;

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;

    public Packet {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dst, "dst");
        Objects.requireNonNull(linkClass, "linkClass");
        Objects.requireNonNull(macSource, "macSource");
        Objects.requireNonNull(inIface, "inIface");
        Objects.requireNonNull(outIface, "outIface");
        Objects.requireNonNull(extras, "extras");
    }

    /** A packet with each of its fields given. */
    public Packet(long frame, long timeNanos, IpFamily family, int proto, IpAddress src, IpAddress dst, int sport,
                  int dport, int tcpFlags, long seq, long ack, int payloadLength, int ipId, int length, int ttl,
                  int icmpType, int icmpCode, int icmpId, Optional<Tuple> quoted, boolean fragment, boolean firstFragment,
                  boolean dontFragment, LinkClass linkClass, Optional<String> macSource, String inIface, String outIface,
                  String physIn, String physOut, boolean bridged, long mark, boolean locallyGenerated, int fragMaxSize) {
        this(frame, timeNanos, family, proto, src, dst, sport, dport, tcpFlags, seq, ack, payloadLength, ipId, length,
                ttl, fragment, firstFragment, dontFragment, linkClass, macSource, inIface, outIface, mark,
                locallyGenerated, Extras.of(icmpType, icmpCode, icmpId, quoted, physIn, physOut, bridged, fragMaxSize));
    }

    /** A packet that was not reassembled ({@code fragMaxSize} 0). */
    public Packet(long frame, long timeNanos, IpFamily family, int proto, IpAddress src, IpAddress dst, int sport,
                  int dport, int tcpFlags, long seq, long ack, int payloadLength, int ipId, int length, int ttl,
                  int icmpType, int icmpCode, int icmpId, Optional<Tuple> quoted, boolean fragment, boolean firstFragment,
                  boolean dontFragment, LinkClass linkClass, Optional<String> macSource, String inIface, String outIface,
                  String physIn, String physOut, boolean bridged, long mark, boolean locallyGenerated) {
        this(frame, timeNanos, family, proto, src, dst, sport, dport, tcpFlags, seq, ack, payloadLength, ipId, length,
                ttl, icmpType, icmpCode, icmpId, quoted, fragment, firstFragment, dontFragment, linkClass, macSource,
                inIface, outIface, physIn, physOut, bridged, mark, locallyGenerated, 0);
    }

    /**
     * The fields of a packet that most packets leave at their defaults: ICMP type and code (-1 when not ICMP), echo id
     * (0 when none), the tuple an ICMP error quotes, the bridge ports and whether the frame was bridged, and the
     * reassembled datagram's largest fragment (0 when not reassembled).
     */
    public record Extras(int icmpType, int icmpCode, int icmpId, Optional<Tuple> quoted, String physIn, String physOut,
                         boolean bridged, int fragMaxSize) {
        /** The defaults: not ICMP, nothing quoted, not bridged, not reassembled. */
        public static final Extras NONE = new Extras(-1, -1, 0, Optional.empty(), "", "", false, 0);

        public Extras {
            Objects.requireNonNull(quoted, "quoted");
            Objects.requireNonNull(physIn, "physIn");
            Objects.requireNonNull(physOut, "physOut");
        }

        /** These fields, {@link #NONE} when they are the defaults. */
        public static Extras of(int icmpType, int icmpCode, int icmpId, Optional<Tuple> quoted, String physIn,
                                String physOut, boolean bridged, int fragMaxSize) {
            if (icmpType == -1 && icmpCode == -1 && icmpId == 0 && quoted.isEmpty() && physIn.isEmpty()
                    && physOut.isEmpty() && !bridged && fragMaxSize == 0) {
                return NONE;
            }
            return new Extras(icmpType, icmpCode, icmpId, quoted, physIn, physOut, bridged, fragMaxSize);
        }

        Extras withIcmpId(int id) {
            return of(icmpType, icmpCode, id, quoted, physIn, physOut, bridged, fragMaxSize);
        }

        Extras withIcmpType(int type) {
            return of(type, icmpCode, icmpId, quoted, physIn, physOut, bridged, fragMaxSize);
        }

        Extras withQuoted(Optional<Tuple> q) {
            return of(icmpType, icmpCode, icmpId, q, physIn, physOut, bridged, fragMaxSize);
        }

        Extras withBridgePorts(String in, String out, boolean isBridged) {
            return of(icmpType, icmpCode, icmpId, quoted, in, out, isBridged, fragMaxSize);
        }
    }

    /** ICMP/ICMPv6 type, or -1 for other protocols. */
    public int icmpType() {
        return extras.icmpType();
    }

    /** ICMP/ICMPv6 code, or -1 for other protocols. */
    public int icmpCode() {
        return extras.icmpCode();
    }

    /** ICMP echo id (0 when none). */
    public int icmpId() {
        return extras.icmpId();
    }

    /** The tuple an ICMP error quotes, as carried in the error; empty for other packets. */
    public Optional<Tuple> quoted() {
        return extras.quoted();
    }

    /** The bridge port the frame came in on ("" when none). */
    public String physIn() {
        return extras.physIn();
    }

    /** The bridge port the frame leaves on ("" when none). */
    public String physOut() {
        return extras.physOut();
    }

    /** Whether the frame was bridged. */
    public boolean bridged() {
        return extras.bridged();
    }

    /** The length of the largest fragment of a reassembled datagram, 0 for a packet that was not reassembled. */
    public int fragMaxSize() {
        return extras.fragMaxSize();
    }

    public boolean isTcp() {
        return proto == TCP;
    }

    public boolean isUdp() {
        return proto == UDP;
    }

    public boolean isIcmp() {
        return proto == ICMP || proto == ICMPV6;
    }

    /** True for ICMP/ICMPv6 error messages, which quote the packet that caused them. */
    public boolean isIcmpError() {
        if (proto == ICMP) {
            int type = extras.icmpType();
            return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
        }
        return proto == ICMPV6 && extras.icmpType() >= 1 && extras.icmpType() <= 4;
    }

    public boolean hasPorts() {
        return (proto == TCP || proto == UDP || proto == SCTP || proto == 136 || proto == 33) && firstFragment;
    }

    public boolean hasFlag(int flag) {
        return (tcpFlags & flag) != 0;
    }

    /** The conntrack tuple of this packet as it is now (ICMP: echo id as the source id, 0 as the destination id). */
    public Tuple tuple() {
        return new Tuple(proto, src, tupleSourceId(), dst, tupleDestinationId());
    }

    /** The source id of {@link #tuple()}: the echo id for ICMP, else the source port when the packet has ports, else 0. */
    public int tupleSourceId() {
        return isIcmp() ? extras.icmpId() : hasPorts() ? sport : 0;
    }

    /** The destination id of {@link #tuple()}: the destination port when the packet has ports (not ICMP), else 0. */
    public int tupleDestinationId() {
        return !isIcmp() && hasPorts() ? dport : 0;
    }

    /** True if {@link #tuple()} equals {@code t} (without making the tuple). */
    public boolean hasTuple(Tuple t) {
        return hasTuple(t.protocol(), t.src(), t.sport(), t.dst(), t.dport());
    }

    /** True if {@link #tuple()} has these fields (for keys that keep a tuple's fields instead of the tuple). */
    public boolean hasTuple(int protocol, IpAddress tupleSrc, int tupleSport, IpAddress tupleDst, int tupleDport) {
        return tupleSport == tupleSourceId() && tupleDport == tupleDestinationId() && protocol == proto
                && src.equals(tupleSrc) && dst.equals(tupleDst);
    }

    /** This packet with the addresses and ports of {@code t} (ICMP: the echo id from {@code t.sport()}). */
    public Packet withTuple(Tuple t) {
        if (isIcmp()) {
            return new Packet(frame, timeNanos, family, proto, t.src(), t.dst(), sport, dport, tcpFlags, seq, ack,
                    payloadLength, ipId, length, ttl, fragment, firstFragment, dontFragment, linkClass, macSource,
                    inIface, outIface, mark, locallyGenerated, extras.withIcmpId(t.sport()));
        }
        return new Packet(frame, timeNanos, family, proto, t.src(), t.dst(), t.sport(), t.dport(), tcpFlags, seq, ack,
                payloadLength, ipId, length, ttl, fragment, firstFragment, dontFragment, linkClass, macSource, inIface,
                outIface, mark, locallyGenerated, extras);
    }

    /**
     * This packet as it was received on {@code in} with the addresses and ports of {@code t}: no output interface, not
     * sent by the node (one copy where {@link #withTuple}, {@link #withInIface} and {@link #withOutIface} make three).
     */
    public Packet receivedAs(Tuple t, String in) {
        boolean icmp = isIcmp();
        return new Packet(frame, timeNanos, family, proto, t.src(), t.dst(), icmp ? sport : t.sport(),
                icmp ? dport : t.dport(), tcpFlags, seq, ack, payloadLength, ipId, length, ttl, fragment, firstFragment,
                dontFragment, linkClass, macSource, in, "", mark, false, icmp ? extras.withIcmpId(t.sport()) : extras);
    }

    /** This packet with ICMP type {@code type} (an echo request's counterpart is its reply, and back). */
    public Packet withIcmpType(int type) {
        return new Packet(frame, timeNanos, family, proto, src, dst, sport, dport, tcpFlags, seq, ack, payloadLength,
                ipId, length, ttl, fragment, firstFragment, dontFragment, linkClass, macSource, inIface, outIface, mark,
                locallyGenerated, extras.withIcmpType(type));
    }

    public Packet withQuoted(Optional<Tuple> newQuoted) {
        return new Packet(frame, timeNanos, family, proto, src, dst, sport, dport, tcpFlags, seq, ack, payloadLength,
                ipId, length, ttl, fragment, firstFragment, dontFragment, linkClass, macSource, inIface, outIface, mark,
                locallyGenerated, extras.withQuoted(newQuoted));
    }

    public Packet withMark(long newMark) {
        return new Packet(frame, timeNanos, family, proto, src, dst, sport, dport, tcpFlags, seq, ack, payloadLength,
                ipId, length, ttl, fragment, firstFragment, dontFragment, linkClass, macSource, inIface, outIface,
                newMark & 0xffffffffL, locallyGenerated, extras);
    }

    public Packet withInIface(String newIn) {
        return new Packet(frame, timeNanos, family, proto, src, dst, sport, dport, tcpFlags, seq, ack, payloadLength,
                ipId, length, ttl, fragment, firstFragment, dontFragment, linkClass, macSource, newIn, outIface, mark,
                locallyGenerated, extras);
    }

    public Packet withOutIface(String newOut) {
        return new Packet(frame, timeNanos, family, proto, src, dst, sport, dport, tcpFlags, seq, ack, payloadLength,
                ipId, length, ttl, fragment, firstFragment, dontFragment, linkClass, macSource, inIface, newOut, mark,
                locallyGenerated, extras);
    }

    public Packet withBridgePorts(String newPhysIn, String newPhysOut, boolean isBridged) {
        return new Packet(frame, timeNanos, family, proto, src, dst, sport, dport, tcpFlags, seq, ack, payloadLength,
                ipId, length, ttl, fragment, firstFragment, dontFragment, linkClass, macSource, inIface, outIface, mark,
                locallyGenerated, extras.withBridgePorts(newPhysIn, newPhysOut, isBridged));
    }

    /** A minimal synthetic packet (for {@code pktpath trace} and tests); everything else takes neutral values. */
    public static Packet synthetic(IpFamily family, int proto, IpAddress src, int sport, IpAddress dst, int dport,
                                   String inIface, boolean locallyGenerated) {
        int flags = proto == TCP ? SYN : 0;
        int icmpType = proto == ICMP ? 8 : proto == ICMPV6 ? 128 : -1;
        int length = family == IpFamily.V4 ? 60 : 80;
        return new Packet(0, 0, family, proto, src, dst, sport, dport, flags, 1, 0, 0, 1, length, 64, icmpType,
                proto == ICMP || proto == ICMPV6 ? 0 : -1, proto == ICMP || proto == ICMPV6 ? sport : 0,
                Optional.empty(), false, true, false, LinkClass.UNICAST, Optional.empty(),
                locallyGenerated ? "" : inIface, "", "", "", false, 0, locallyGenerated, 0);
    }
}
