package io.pktpath.core.findings;

import io.pktpath.core.trace.PacketSummary;
import java.util.Locale;

/** Formatting shared by the detectors: durations, packet one-liners and the quoted-packet key of ICMP errors. */
final class Text {
    private Text() {
    }

    /** Nanoseconds as seconds with three decimals, e.g. {@code 1.023 s}. */
    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }

    /** Nanoseconds as whole microseconds, e.g. {@code 2 us}. */
    static String micros(long nanos) {
        return nanos / 1000 + " us";
    }

    /** {@code 10.0.0.1:5 > 10.0.0.2:80} as the capture's info line writes it, used to match quoted headers. */
    static String endpoints(PacketSummary p) {
        return endpoints(Packets.flowKey(p), p.family());
    }

    /** The same for a packet known only by its flow key and IP family. */
    static String endpoints(Packets.FlowKey k, int family) {
        String src = k.src().map(Object::toString).orElse("?");
        String dst = k.dst().map(Object::toString).orElse("?");
        if (k.sport() < 0) {
            return src + " > " + dst;
        }
        boolean v6 = family == 6;
        return (v6 ? "[" + src + "]" : src) + ":" + k.sport() + " > " + (v6 ? "[" + dst + "]" : dst) + ":" + k.dport();
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
