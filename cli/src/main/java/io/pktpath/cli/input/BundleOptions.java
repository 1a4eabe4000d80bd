package io.pktpath.cli.input;

import io.pktpath.parser.bundle.InputKind;
import java.util.List;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * The options that name bundle files one by one (overriding recognition by content), and those that say where a
 * capture was taken when the capture does not record it.
 */
public final class BundleOptions {
    public static final String CAPTURE = "capture";
    public static final String IFACE = "iface";
    public static final String DIR = "dir";

    /** A file option: its name, the kind it forces, and its help. */
    record FileOption(String name, InputKind kind, String help) {
    }

    static final List<FileOption> FILES = List.of(
            new FileOption("rules", InputKind.IPTABLES_SAVE, "an iptables-save dump (IPv4)"),
            new FileOption("rules6", InputKind.IPTABLES_SAVE, "an ip6tables-save dump (IPv6)"),
            new FileOption("addr", InputKind.IP_ADDR, "ip addr (or ip -j addr) output"),
            new FileOption("link", InputKind.IP_LINK, "ip link output (ip -d link or ip -j -d link also gives each bridge"
                    + " port's hairpin mode)"),
            new FileOption("routes", InputKind.IP_ROUTE, "ip route show table all (or ip -j route) output"),
            new FileOption("routes6", InputKind.IP_ROUTE, "ip -6 route show table all output"),
            new FileOption("ip-rule", InputKind.IP_RULE, "ip rule or ip -6 rule (or ip -j rule) output"),
            new FileOption("neigh", InputKind.IP_NEIGH, "ip neigh (or ip -j neigh) output"),
            new FileOption("maddr", InputKind.IP_MADDR, "ip maddr show (or ip -j maddr show) output: the multicast groups"
                    + " each interface joined (without it, a group no kernel rule joins is assumed joined)"),
            new FileOption("sysctl", InputKind.SYSCTL, "sysctl -a output"),
            new FileOption("ipset", InputKind.IPSET_SAVE, "ipset save output"),
            new FileOption("conntrack", InputKind.CONNTRACK_LIST, "conntrack -L output"),
            new FileOption("conntrack-events", InputKind.CONNTRACK_EVENTS, "conntrack -E output (with or without -o "
                    + "timestamp,extended,id) recorded beside the capture: the replay's connections are checked against "
                    + "the kernel's NEW events (finding CONNTRACK_EVENTS_DIFFER; pktpath verify lists each difference)"),
            new FileOption("sockets", InputKind.SOCKETS, "ss -tlnp (or ss -tulnp, ss -peaonmi) output: the listening sockets"),
            new FileOption("nft", InputKind.NFT_RULESET, "nft list ruleset (or nft -a list ruleset, or its nft -j JSON) "
                    + "output: its native nftables filter chains are replayed at their priority, its nat chains "
                    + "(kube-proxy's nftables mode) with iptables' nat table; the others are listed and reported "
                    + "(finding NFT_NATIVE_CHAINS)"),
            new FileOption("ipvsadm", InputKind.IPVSADM, "ipvsadm -Ln (or ipvsadm-save -n) output: kube-proxy's IPVS "
                    + "virtual services, listed and reported (finding IPVS_NOT_REPLAYED), not replayed"),
            new FileOption("trace-log", InputKind.TRACE_LOG, "a netfilter TRACE log (xtables-monitor --trace)"));

    private BundleOptions() {
    }

    /** Adds the file options, {@code --capture}, {@code --iface} and {@code --dir}. */
    public static Options addTo(Options options) {
        for (FileOption f : FILES) {
            options.addOption(Option.builder().longOpt(f.name()).hasArg().argName("FILE")
                    .desc(f.help() + "; overrides recognition by content").build());
        }
        options.addOption(Option.builder().longOpt(CAPTURE).hasArg().argName("FILE")
                .desc("the pcap/pcapng capture to replay (default: the bundle's largest capture)").build());
        options.addOption(Option.builder().longOpt(IFACE).hasArg().argName("NAME")
                .desc("interface the capture was taken on, for captures that do not record it").build());
        options.addOption(Option.builder().longOpt(DIR).hasArg().argName("in|out")
                .desc("direction of every frame, for captures that do not record it").build());
        return options;
    }

    /** Adds only the file options (commands that read a bundle but no capture). */
    public static Options addFilesTo(Options options) {
        for (FileOption f : FILES) {
            options.addOption(Option.builder().longOpt(f.name()).hasArg().argName("FILE")
                    .desc(f.help() + "; overrides recognition by content").build());
        }
        options.addOption(Option.builder().longOpt(CAPTURE).hasArg().argName("FILE")
                .desc("a pcap/pcapng capture").build());
        return options;
    }
}
