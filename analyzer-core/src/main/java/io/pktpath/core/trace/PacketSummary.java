package io.pktpath.core.trace;

import io.pktpath.parser.net.IpAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * The captured frame as the report shows it: number (1-based), time (epoch ns), interface and direction ({@code in},
 * {@code out} or empty when unknown), IP family (4, 6, or 0 for non-IP), protocol number (-1 when none), addresses,
 * ports (-1 when none), IPv4 id, IP total length, ICMP type/code and TCP flags (-1 when none), a tcpdump-like info text,
 * the TCP sequence and acknowledgment numbers (-1 when none), the tuple an ICMP error quotes (as captured) and the
 * TCP or UDP payload's length (-1 when unknown). A whole TCP or UDP packet's info text may be left to its fields
 * (no text given): {@link #info()} then writes it when asked, the same text the reader would have written, so a
 * run that never shows frame lines never builds them. The ICMP fields, the quoted tuple and the info text as written
 * are kept in {@link Extras}, one shared instance for a TCP or UDP frame whose text is left to its fields.
 */
public record PacketSummary(long frame, long timeNanos, String iface, String dir, int family, int proto,
                            Optional<IpAddress> src, Optional<IpAddress> dst, int sport, int dport, int ipId, int length,
                            int tcpFlags, long tcpSeq, long tcpAck, int payloadLength, Extras extras) {
    public PacketSummary {
        Objects.requireNonNull(iface, "iface");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dst, "dst");
        Objects.requireNonNull(extras, "extras");
        if (extras.info() == null && !InfoTexts.derivable(family, proto, src, dst, sport, dport, tcpFlags, payloadLength)) {
            extras = Extras.of(extras.icmpType(), extras.icmpCode(), "", extras.quoted());
        }
    }

    /** A summary with each of its fields given ({@code info} null: written from the fields when asked). */
    public PacketSummary(long frame, long timeNanos, String iface, String dir, int family, int proto,
                         Optional<IpAddress> src, Optional<IpAddress> dst, int sport, int dport, int ipId, int length,
                         int icmpType, int icmpCode, int tcpFlags, String info, long tcpSeq, long tcpAck,
                         Optional<Tuple> quoted, int payloadLength) {
        this(frame, timeNanos, iface, dir, family, proto, src, dst, sport, dport, ipId, length, tcpFlags, tcpSeq, tcpAck,
                payloadLength, Extras.of(icmpType, icmpCode, info, quoted));
    }

    /**
     * The fields of a summary that a whole TCP or UDP frame leaves at their defaults: ICMP type and code (-1 when
     * none), the info text as the reader wrote it (null when it is left to the summary's fields) and the tuple an ICMP
     * error quotes.
     */
    public record Extras(int icmpType, int icmpCode, String info, Optional<Tuple> quoted) {
        /** The defaults: no ICMP fields, the text left to the fields, nothing quoted. */
        public static final Extras NONE = new Extras(-1, -1, null, Optional.empty());

        public Extras {
            Objects.requireNonNull(quoted, "quoted");
        }

        /** These fields, {@link #NONE} when they are the defaults. */
        public static Extras of(int icmpType, int icmpCode, String info, Optional<Tuple> quoted) {
            return icmpType == -1 && icmpCode == -1 && info == null && quoted.isEmpty() ? NONE
                    : new Extras(icmpType, icmpCode, info, quoted);
        }
    }

    /** ICMP type, or -1 when none. */
    public int icmpType() {
        return extras.icmpType();
    }

    /** ICMP code, or -1 when none. */
    public int icmpCode() {
        return extras.icmpCode();
    }

    /** The tuple an ICMP error quotes, as captured; empty for other frames. */
    public Optional<Tuple> quoted() {
        return extras.quoted();
    }

    /** A summary whose payload length is unknown. */
    public PacketSummary(long frame, long timeNanos, String iface, String dir, int family, int proto,
                         Optional<IpAddress> src, Optional<IpAddress> dst, int sport, int dport, int ipId, int length,
                         int icmpType, int icmpCode, int tcpFlags, String info, long tcpSeq, long tcpAck,
                         Optional<Tuple> quoted) {
        this(frame, timeNanos, iface, dir, family, proto, src, dst, sport, dport, ipId, length, icmpType, icmpCode,
                tcpFlags, info, tcpSeq, tcpAck, quoted, -1);
    }

    /** A summary without TCP sequence numbers or a quoted tuple. */
    public PacketSummary(long frame, long timeNanos, String iface, String dir, int family, int proto,
                         Optional<IpAddress> src, Optional<IpAddress> dst, int sport, int dport, int ipId, int length,
                         int icmpType, int icmpCode, int tcpFlags, String info) {
        this(frame, timeNanos, iface, dir, family, proto, src, dst, sport, dport, ipId, length, icmpType, icmpCode,
                tcpFlags, info, -1, -1, Optional.empty(), -1);
    }

    /**
     * The tcpdump-like text of the frame, e.g. {@code TCP 10.0.0.1:40000 > 10.96.0.10:80 [S] seq 1 len 0}: as the reader
     * wrote it, or written now from the fields for a whole TCP or UDP packet whose text was left to them.
     */
    public String info() {
        String info = extras.info();
        return info != null ? info : InfoTexts.append(new StringBuilder(72), this).toString();
    }

    /** Appends what {@link #info()} returns (without making the text first when it is written from the fields). */
    public StringBuilder appendInfo(StringBuilder sb) {
        String info = extras.info();
        return info != null ? sb.append(info) : InfoTexts.append(sb, this);
    }

    /** This summary placed on another interface and direction. */
    public PacketSummary placedOn(String otherIface, String otherDir) {
        return new PacketSummary(frame, timeNanos, otherIface, otherDir, family, proto, src, dst, sport, dport, ipId,
                length, tcpFlags, tcpSeq, tcpAck, payloadLength, extras);
    }

    /** The protocol's name as iptables prints it ({@code tcp}, {@code udp}, {@code icmp}, {@code ipv6-icmp}...), or its number. */
    public String protoName() {
        return ProtocolNames.name(proto);
    }
}
