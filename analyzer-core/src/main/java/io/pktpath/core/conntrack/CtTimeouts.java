package io.pktpath.core.conntrack;

import io.pktpath.core.engine.Packet;
import io.pktpath.parser.sysctl.Setting;
import io.pktpath.parser.sysctl.Sysctls;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Conntrack timeouts and TCP switches from the node's sysctls, with kernel defaults where the bundle lacks them
 * (netfilter-semantics §2.6, Documentation/networking/nf_conntrack-sysctl.rst); {@code assumed} lists the defaults used.
 */
public record CtTimeouts(Map<TcpState, Long> tcpSeconds, long tcpUnacknowledged, long udp, long udpStream, long icmp,
                         long icmpv6, long generic, boolean tcpLoose, boolean tcpBeLiberal, List<String> assumed) {
    public CtTimeouts {
        // read by ordinal from an array of its own: the commit of every TCP packet and every new connection asks for one,
        // and a JDK wrapper's call would share its type profile with every other map the JVM wraps (a C2 class check
        // that failed there threw the compiled commit away in every large run)
        tcpSeconds = new TcpSeconds(tcpSeconds);
        assumed = List.copyOf(assumed);
    }

    /** The timeouts of a node; every value missing from {@code sysctls} is the kernel default, noted in {@code assumed}. */
    public static CtTimeouts from(Sysctls sysctls) {
        Objects.requireNonNull(sysctls, "sysctls");
        List<String> assumed = new ArrayList<>();
        Map<TcpState, Long> tcp = new EnumMap<>(TcpState.class);
        for (TcpState s : TcpState.values()) {
            tcp.put(s, read(sysctls, s.timeoutSysctl(), assumed));
        }
        return new CtTimeouts(tcp, read(sysctls, "tcp_timeout_unacknowledged", assumed),
                read(sysctls, "udp_timeout", assumed), read(sysctls, "udp_timeout_stream", assumed),
                read(sysctls, "icmp_timeout", assumed), read(sysctls, "icmpv6_timeout", assumed),
                read(sysctls, "generic_timeout", assumed), read(sysctls, "tcp_loose", assumed) != 0,
                read(sysctls, "tcp_be_liberal", assumed) != 0, assumed);
    }

    /** The kernel defaults. */
    public static CtTimeouts defaults() {
        return from(Sysctls.empty());
    }

    private static long read(Sysctls sysctls, String shortName, List<String> assumed) {
        Setting<Long> s = sysctls.conntrack(shortName);
        if (s.assumedDefault() && !assumed.contains(s.explain())) {
            assumed.add(s.explain());
        }
        return s.value();
    }

    /** The timeout of a TCP connection in {@code state}, in seconds. */
    public long tcp(TcpState state) {
        return ((TcpSeconds) tcpSeconds).of(state);
    }

    /** The timeout of a fresh non-TCP ct of protocol {@code proto}. */
    public long firstPacket(int proto) {
        return switch (proto) {
            case Packet.UDP, 136 -> udp;
            case Packet.ICMP -> icmp;
            case Packet.ICMPV6 -> icmpv6;
            default -> generic;
        };
    }

    /** The TCP timeouts by state: an unmodifiable map over an array indexed by the state's ordinal. */
    private static final class TcpSeconds extends AbstractMap<TcpState, Long> {
        private static final TcpState[] STATES = TcpState.values();
        private final long[] seconds = new long[STATES.length];
        private final Set<Entry<TcpState, Long>> entries;

        TcpSeconds(Map<TcpState, Long> given) {
            Map<TcpState, Long> copy = new EnumMap<>(TcpState.class);
            for (TcpState s : STATES) {
                Long value = Objects.requireNonNull(given.get(s), () -> "no TCP timeout for " + s);
                seconds[s.ordinal()] = value;
                copy.put(s, value);
            }
            entries = Collections.unmodifiableMap(copy).entrySet();
        }

        long of(TcpState state) {
            return seconds[state.ordinal()];
        }

        @Override
        public Long get(Object key) {
            return key instanceof TcpState s ? seconds[s.ordinal()] : null;
        }

        @Override
        public Set<Entry<TcpState, Long>> entrySet() {
            return entries;
        }
    }
}
