package io.pktpath.parser.bundle;

/** What a bundle file holds, as recognized from its content. */
public enum InputKind {
    IPTABLES_SAVE("iptables-save"),
    IPTABLES_COUNTERS("iptables-save -c (per-rule counters)"),
    /** Only ever given by name (the CLI's {@code --rules-legacy}): by content a legacy dump is an iptables-save one. */
    IPTABLES_LEGACY_SAVE("iptables-legacy-save"),
    /** {@code iptables [-t TABLE] -nvL} or {@code -vnxL} (one table; an sosreport's {@code iptables_-t_nat_-nvL}). */
    IPTABLES_LISTING("iptables -nvL (listing)"),
    IP_ADDR("ip addr"),
    IP_ADDR_JSON("ip -j addr"),
    /** {@code ip -o addr} (an sosreport's): one line per address, without the link's flags, MTU and state. */
    IP_ADDR_ONELINE("ip -o addr"),
    IP_LINK("ip link"),
    IP_ROUTE("ip route"),
    IP_ROUTE_JSON("ip -j route"),
    IP_RULE("ip rule"),
    IP_RULE_JSON("ip -j rule"),
    IP_NEIGH("ip neigh"),
    IP_NEIGH_JSON("ip -j neigh"),
    IP_MADDR("ip maddr"),
    IP_MADDR_JSON("ip -j maddr"),
    SYSCTL("sysctl"),
    IPSET_SAVE("ipset save"),
    CONNTRACK_LIST("conntrack -L"),
    CONNTRACK_STATS("conntrack -S"),
    CONNTRACK_EVENTS("conntrack -E (events)"),
    SOCKETS("ss (listening sockets)"),
    KERNEL_VERSION("uname"),
    CAPTURE("capture (pcap/pcapng)"),
    TRACE_LOG("netfilter trace log"),
    NFT_RULESET("nft list ruleset"),
    IPVSADM("ipvsadm"),
    /** ebtables-save or ebtables -L: bridge-level rules, listed and reported, not replayed. */
    EBTABLES("ebtables (bridge rules, not replayed)"),
    /** arptables-save or arptables -L: ARP rules, listed and reported, not replayed. */
    ARPTABLES("arptables (ARP rules, not replayed)");

    private final String label;

    InputKind(String label) {
        this.label = label;
    }

    /** The command or format name shown in the inventory. */
    public String label() {
        return label;
    }
}
