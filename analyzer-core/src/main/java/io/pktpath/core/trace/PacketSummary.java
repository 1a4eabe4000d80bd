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
 * ({@code info} null): {@link #info()} then writes it when asked, the same text the reader would have written, so a
 * run that never shows frame lines never builds them.
 */
public record PacketSummary(long frame, long timeNanos, String iface, String dir, int family, int proto,
                            Optional<IpAddress> src, Optional<IpAddress> dst, int sport, int dport, int ipId, int length,
                            int icmpType, int icmpCode, int tcpFlags, String info, long tcpSeq, long tcpAck,
                            Optional<Tuple> quoted, int payloadLength) {
    public PacketSummary {
        Objects.requireNonNull(iface, "iface");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dst, "dst");
        Objects.requireNonNull(quoted, "quoted");
        if (info == null && !InfoTexts.derivable(family, proto, src, dst, sport, dport, tcpFlags, payloadLength)) {
            info = "";
        }
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
    @Override
    public String info() {
        return info != null ? info : InfoTexts.append(new StringBuilder(72), this).toString();
    }

    /** Appends what {@link #info()} returns (without making the text first when it is written from the fields). */
    public StringBuilder appendInfo(StringBuilder sb) {
        return info != null ? sb.append(info) : InfoTexts.append(sb, this);
    }

    /** This summary placed on another interface and direction. */
    public PacketSummary placedOn(String otherIface, String otherDir) {
        return new PacketSummary(frame, timeNanos, otherIface, otherDir, family, proto, src, dst, sport, dport, ipId,
                length, icmpType, icmpCode, tcpFlags, info, tcpSeq, tcpAck, quoted, payloadLength);
    }

    /** The protocol's name as iptables prints it ({@code tcp}, {@code udp}, {@code icmp}, {@code ipv6-icmp}...), or its number. */
    public String protoName() {
        return ProtocolNames.name(proto);
    }
}
