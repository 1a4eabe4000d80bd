package io.pktpath.core.findings;

import io.pktpath.core.packet.Addresses;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.parser.net.IpAddress;
import java.util.Locale;
import java.util.Optional;

/** Formatting shared by the detectors: durations, packet one-liners and the quoted-packet key of ICMP errors. */
final class Text {
    private Text() {
    }

    /** Nanoseconds as seconds with three decimals, e.g. {@code 1.023 s}. */
    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }

    /** Nanoseconds as whole microseconds, e.g. {@code 2 µs}, as the race evidence writes them. */
    static String micros(long nanos) {
        return nanos / 1000 + " µs";
    }

    /** {@code 10.0.0.1:5 > 10.0.0.2:80} as the capture's info line writes it, used to match quoted headers. */
    static String endpoints(PacketSummary p) {
        return endpoints(new StringBuilder(48), p.src(), p.sport(), p.dst(), p.dport(), p.family()).toString();
    }

    /** The same for a packet known only by its flow key and IP family. */
    static String endpoints(Packets.FlowKey k, int family) {
        return endpoints(new StringBuilder(48), Optional.ofNullable(k.src()), k.sport(), Optional.ofNullable(k.dst()),
                k.dport(), family).toString();
    }

    /** Appends {@code src:sport > dst:dport} ({@code ?} for an absent address, IPv6 in brackets, no ports when absent). */
    static StringBuilder endpoints(StringBuilder sb, Optional<IpAddress> src, int sport, Optional<IpAddress> dst, int dport,
                                   int family) {
        if (sport < 0) {
            return address(address(sb, src).append(" > "), dst);
        }
        boolean v6 = family == 6;
        return endpoint(endpoint(sb, src, sport, v6).append(" > "), dst, dport, v6);
    }

    private static StringBuilder endpoint(StringBuilder sb, Optional<IpAddress> address, int port, boolean v6) {
        if (v6) {
            sb.append('[');
        }
        address(sb, address);
        if (v6) {
            sb.append(']');
        }
        return sb.append(':').append(port);
    }

    private static StringBuilder address(StringBuilder sb, Optional<IpAddress> address) {
        return address.isPresent() ? Addresses.append(sb, address.get()) : sb.append('?');
    }

    /** {@code UDP 10.0.0.1:5 > 10.0.0.2:53}: how an ICMP error's info text names the packet it quotes. */
    static String quoteKey(PacketSummary p) {
        return p.protoName().toUpperCase(Locale.ROOT) + " " + endpoints(p);
    }

    /** {@code frame 7 (eth0 in, TCP 1.2.3.4:5 > ...)}. */
    static String frame(PacketSummary p) {
        return "frame " + p.frame() + " (" + p.iface() + (p.dir().isEmpty() ? "" : " " + p.dir()) + ": " + p.info() + ")";
    }
}
