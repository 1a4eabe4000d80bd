package io.pktpath.parser.sysctl;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The sysctl values of a node keyed by dotted name as {@code sysctl -a} prints it (interface names with dots written with
 * {@code /}, e.g. {@code net.ipv4.conf.eth0/100.rp_filter}); the helpers combine {@code all} and per-interface values as
 * the kernel does (ip-sysctl.rst) and fall back to the kernel default, marked as assumed, when a value is absent.
 */
public record Sysctls(Map<String, String> values) {
    public Sysctls {
        values = Collections.unmodifiableSortedMap(new TreeMap<>(values));
    }

    public static Sysctls empty() {
        return new Sysctls(Map.of());
    }

    /** The raw text of a sysctl, if present. */
    public Optional<String> raw(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** A numeric sysctl (first field of multi-field values), if present and numeric. */
    public Optional<Long> number(String name) {
        String v = values.get(name);
        if (v == null) {
            return Optional.empty();
        }
        String first = v.trim().split("\\s+")[0];
        try {
            return Optional.of(Long.parseLong(first));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A numeric sysctl, or its kernel default marked as assumed; unknown names without a default read as 0, assumed. */
    public Setting<Long> get(String name) {
        Optional<Long> v = number(name);
        return v.map(x -> new Setting<>(x, false, name))
                .orElseGet(() -> new Setting<>(KernelDefaults.of(name).orElse(0L), true, name));
    }

    /** This bundle merged with another (the other's values win). */
    public Sysctls merge(Sysctls other) {
        Map<String, String> merged = new TreeMap<>(values);
        merged.putAll(other.values);
        return new Sysctls(merged);
    }

    /** The interface component of a conf key: dots in interface names are printed as slashes. */
    static String ifaceKey(String iface) {
        return iface.replace('.', '/');
    }

    private String conf(String family, String iface, String leaf) {
        return "net." + family + ".conf." + ifaceKey(iface) + "." + leaf;
    }

    /** Effective {@code rp_filter} for an input interface: max(all, iface). */
    public Setting<Long> rpFilter(String iface) {
        return combine(get(conf("ipv4", "all", "rp_filter")), perInterface("ipv4", iface, "rp_filter"), true);
    }

    /**
     * An interface's own value; when the bundle lacks it, the {@code conf.default} value the interface was created with,
     * else the kernel default (assumed).
     */
    private Setting<Long> perInterface(String family, String iface, String leaf) {
        String own = conf(family, iface, leaf);
        if (number(own).isPresent()) {
            return get(own);
        }
        String dflt = conf(family, "default", leaf);
        return number(dflt).isPresent() ? get(dflt) : get(own);
    }

    /** {@code route_localnet}: all OR iface. */
    public Setting<Long> routeLocalnet(String iface) {
        return orConf("route_localnet", iface);
    }

    /** {@code accept_local}: all OR iface. */
    public Setting<Long> acceptLocal(String iface) {
        return orConf("accept_local", iface);
    }

    /** {@code proxy_arp}: all OR iface. */
    public Setting<Long> proxyArp(String iface) {
        return orConf("proxy_arp", iface);
    }

    /** {@code arp_ignore}: max(all, iface) (the kernel's IN_DEV_ARP_IGNORE). */
    public Setting<Long> arpIgnore(String iface) {
        return combine(get(conf("ipv4", "all", "arp_ignore")), perInterface("ipv4", iface, "arp_ignore"), true);
    }

    /** {@code arp_filter}: all OR iface (the kernel's IN_DEV_ARPFILTER). */
    public Setting<Long> arpFilter(String iface) {
        return orConf("arp_filter", iface);
    }

    /** {@code proxy_arp_pvlan}: the interface's own value (the kernel's IN_DEV_PROXY_ARP_PVLAN reads no {@code all}). */
    public Setting<Long> proxyArpPvlan(String iface) {
        return perInterface("ipv4", iface, "proxy_arp_pvlan");
    }

    /** {@code medium_id}: the interface's own value (0, the default, lets proxy_arp answer across any two devices). */
    public Setting<Long> mediumId(String iface) {
        return perInterface("ipv4", iface, "medium_id");
    }

    /** {@code send_redirects}: all OR iface (the kernel's IN_DEV_TX_REDIRECTS). */
    public Setting<Long> sendRedirects(String iface) {
        return orConf("send_redirects", iface);
    }

    /** {@code shared_media}: all OR iface. */
    public Setting<Long> sharedMedia(String iface) {
        return orConf("shared_media", iface);
    }

    /** {@code src_valid_mark}: all OR iface. */
    public Setting<Long> srcValidMark(String iface) {
        return orConf("src_valid_mark", iface);
    }

    /** {@code net.ipv4.ip_forward}, else {@code net.ipv4.conf.all.forwarding} (the same switch), else the default 0. */
    public Setting<Long> ipForward() {
        String all = conf("ipv4", "all", "forwarding");
        return number("net.ipv4.ip_forward").isEmpty() && number(all).isPresent() ? get(all) : get("net.ipv4.ip_forward");
    }

    /**
     * IPv4 forwarding on an input interface: {@code net.ipv4.conf.<iface>.forwarding} when present, else
     * {@code net.ipv4.ip_forward} (which sets every interface's value when written).
     */
    public Setting<Long> forwarding(String iface) {
        String name = conf("ipv4", iface, "forwarding");
        return number(name).map(v -> new Setting<>(v, false, name)).orElseGet(this::ipForward);
    }

    /** IPv6 forwarding on an interface: {@code net.ipv6.conf.<iface>.forwarding}, else {@code net.ipv6.conf.all.forwarding}. */
    public Setting<Long> ipv6Forwarding(String iface) {
        String name = conf("ipv6", iface, "forwarding");
        return number(name).map(v -> new Setting<>(v, false, name)).orElseGet(() -> get(conf("ipv6", "all", "forwarding")));
    }

    /** A conntrack sysctl by its short name, e.g. {@code tcp_loose}, {@code udp_timeout_stream}. */
    public Setting<Long> conntrack(String shortName) {
        return get("net.netfilter.nf_conntrack_" + shortName);
    }

    public Setting<Long> tcpLoose() {
        return conntrack("tcp_loose");
    }

    public Setting<Long> tcpBeLiberal() {
        return conntrack("tcp_be_liberal");
    }

    /** {@code net.bridge.bridge-nf-call-<iptables|ip6tables|arptables>}. */
    public Setting<Long> bridgeNfCall(String tool) {
        return get("net.bridge.bridge-nf-call-" + tool);
    }

    private Setting<Long> orConf(String leaf, String iface) {
        return combine(get(conf("ipv4", "all", leaf)), perInterface("ipv4", iface, leaf), false);
    }

    private static Setting<Long> combine(Setting<Long> all, Setting<Long> dev, boolean max) {
        long value = max ? Math.max(all.value(), dev.value()) : (all.value() != 0 || dev.value() != 0 ? 1 : 0);
        String sources = all.sources() + (max ? " max " : " or ") + dev.sources();
        return new Setting<>(value, all.assumedDefault() && dev.assumedDefault(), sources);
    }
}
