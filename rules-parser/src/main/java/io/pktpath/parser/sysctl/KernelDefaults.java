package io.pktpath.parser.sysctl;

import java.util.Map;
import java.util.Optional;

/** Kernel defaults (Documentation/networking/ip-sysctl.rst, nf_conntrack-sysctl.rst) for the sysctls the engine reads. */
final class KernelDefaults {
    private static final Map<String, Long> DEFAULTS = Map.ofEntries(
            Map.entry("net.ipv4.ip_forward", 0L),
            Map.entry("net.ipv4.conf.rp_filter", 0L),
            Map.entry("net.ipv4.conf.forwarding", 0L),
            Map.entry("net.ipv4.conf.route_localnet", 0L),
            Map.entry("net.ipv4.conf.accept_local", 0L),
            Map.entry("net.ipv4.conf.proxy_arp", 0L),
            Map.entry("net.ipv4.conf.src_valid_mark", 0L),
            Map.entry("net.ipv4.conf.arp_ignore", 0L),
            Map.entry("net.ipv4.conf.arp_filter", 0L),
            Map.entry("net.ipv4.conf.proxy_arp_pvlan", 0L),
            Map.entry("net.ipv4.conf.medium_id", 0L),
            Map.entry("net.ipv4.conf.send_redirects", 1L),
            Map.entry("net.ipv4.conf.shared_media", 1L),
            Map.entry("net.ipv6.conf.forwarding", 0L),
            Map.entry("net.netfilter.nf_conntrack_tcp_loose", 1L),
            Map.entry("net.netfilter.nf_conntrack_tcp_be_liberal", 0L),
            Map.entry("net.netfilter.nf_conntrack_tcp_max_retrans", 3L),
            Map.entry("net.netfilter.nf_conntrack_tcp_timeout_syn_sent", 120L),
            Map.entry("net.netfilter.nf_conntrack_tcp_timeout_syn_recv", 60L),
            Map.entry("net.netfilter.nf_conntrack_tcp_timeout_established", 432000L),
            Map.entry("net.netfilter.nf_conntrack_tcp_timeout_fin_wait", 120L),
            Map.entry("net.netfilter.nf_conntrack_tcp_timeout_close_wait", 60L),
            Map.entry("net.netfilter.nf_conntrack_tcp_timeout_last_ack", 30L),
            Map.entry("net.netfilter.nf_conntrack_tcp_timeout_time_wait", 120L),
            Map.entry("net.netfilter.nf_conntrack_tcp_timeout_close", 10L),
            Map.entry("net.netfilter.nf_conntrack_tcp_timeout_max_retrans", 300L),
            Map.entry("net.netfilter.nf_conntrack_tcp_timeout_unacknowledged", 300L),
            Map.entry("net.netfilter.nf_conntrack_udp_timeout", 30L),
            Map.entry("net.netfilter.nf_conntrack_udp_timeout_stream", 120L),
            Map.entry("net.netfilter.nf_conntrack_icmp_timeout", 30L),
            Map.entry("net.netfilter.nf_conntrack_icmpv6_timeout", 30L),
            Map.entry("net.netfilter.nf_conntrack_generic_timeout", 600L),
            Map.entry("net.ipv4.ipfrag_time", 30L),
            Map.entry("net.netfilter.nf_conntrack_frag6_timeout", 60L),
            Map.entry("net.bridge.bridge-nf-call-iptables", 1L),
            Map.entry("net.bridge.bridge-nf-call-ip6tables", 1L),
            Map.entry("net.bridge.bridge-nf-call-arptables", 1L),
            Map.entry("net.bridge.bridge-nf-filter-vlan-tagged", 0L),
            Map.entry("net.bridge.bridge-nf-filter-pppoe-tagged", 0L));

    private KernelDefaults() {
    }

    /** The default for a full name; per-interface names ({@code net.ipv4.conf.X.rp_filter}) share one default. */
    static Optional<Long> of(String name) {
        Long direct = DEFAULTS.get(name);
        if (direct != null) {
            return Optional.of(direct);
        }
        for (String prefix : new String[] {"net.ipv4.conf.", "net.ipv6.conf."}) {
            if (name.startsWith(prefix)) {
                String leaf = name.substring(name.lastIndexOf('.') + 1);
                return Optional.ofNullable(DEFAULTS.get(prefix + leaf));
            }
        }
        return Optional.empty();
    }
}
