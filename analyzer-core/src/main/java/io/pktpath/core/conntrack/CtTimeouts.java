package io.pktpath.core.conntrack;

import io.pktpath.core.engine.Packet;
import io.pktpath.parser.sysctl.Setting;
import io.pktpath.parser.sysctl.Sysctls;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Conntrack timeouts and TCP switches from the node's sysctls, with kernel defaults where the bundle lacks them
 * (netfilter-semantics §2.6, Documentation/networking/nf_conntrack-sysctl.rst); {@code assumed} lists the defaults used.
 */
public record CtTimeouts(Map<TcpState, Long> tcpSeconds, long tcpUnacknowledged, long udp, long udpStream, long icmp,
                         long icmpv6, long generic, boolean tcpLoose, boolean tcpBeLiberal, List<String> assumed) {
    public CtTimeouts {
        // an enum map reads a state's timeout by its ordinal; the commit of every TCP packet asks for one
        tcpSeconds = Collections.unmodifiableMap(new EnumMap<>(tcpSeconds));
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

    public long tcp(TcpState state) {
        return tcpSeconds.get(state);
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
}
