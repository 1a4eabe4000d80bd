package io.pktpath.parser.bundle;

import java.util.ArrayList;
import java.util.List;

/** Lists the inputs a bundle lacks, each with what the analysis assumes instead (the engine repeats these in its report). */
final class MissingInputs {
    private MissingInputs() {
    }

    static List<String> describe(Bundle b, boolean rulesReferenceSets) {
        List<String> out = new ArrayList<>();
        if (b.rulesetV4().isEmpty()) {
            out.add("no iptables-save: IPv4 netfilter rules unknown");
        }
        if (b.rulesetV6().isEmpty()) {
            out.add("no ip6tables-save: IPv6 netfilter rules unknown");
        }
        if (noCounters(b.countersV4()) && noCounters(b.countersV6())) {
            out.add("no iptables-save -c counter snapshots: the replay cannot be checked against rule counters");
        }
        if (b.interfaces().isEmpty()) {
            out.add("no ip addr/ip link: interfaces and local addresses unknown");
        }
        if (b.routesV4().isEmpty()) {
            out.add("no ip route: IPv4 routes unknown");
        }
        if (b.routesV6().isEmpty()) {
            out.add("no ip -6 route: IPv6 routes unknown");
        }
        if (b.policyRulesV4().isEmpty()) {
            out.add("no ip rule: default IPv4 policy rules assumed (0 local, 32766 main, 32767 default)");
        }
        if (b.policyRulesV6().isEmpty()) {
            out.add("no ip -6 rule: default IPv6 policy rules assumed (0 local, 32766 main)");
        }
        if (!b.has(InputKind.IP_NEIGH) && !b.has(InputKind.IP_NEIGH_JSON)) {
            out.add("no ip neigh: neighbor states unknown, assumed reachable");
        }
        if (!b.has(InputKind.SYSCTL)) {
            out.add("no sysctl: kernel defaults assumed (ip_forward=0, rp_filter=0, route_localnet=0, tcp_loose=1, "
                    + "tcp_be_liberal=0, bridge-nf-call-iptables=1)");
        }
        if (rulesReferenceSets && !b.has(InputKind.IPSET_SAVE)) {
            out.add("no ipset save: rules use -m set but set contents are unknown");
        }
        if (b.ipvs().detected() && !b.has(InputKind.IPVSADM)) {
            out.add("no ipvsadm -Ln: IPVS virtual services unknown (the node runs kube-proxy in IPVS mode: "
                    + b.ipvs().evidenceText() + ")");
        }
        if (b.conntrack().isEmpty() && !b.has(InputKind.CONNTRACK_LIST)) {
            out.add("no conntrack -L: conntrack table assumed empty at capture start");
        }
        if (b.conntrackStats().isEmpty()) {
            out.add("no conntrack -S: insert_failed/drop/clash_resolve counters unknown");
        }
        if (b.kernel().isEmpty()) {
            out.add("no uname: kernel version unknown, current kernel semantics assumed");
        }
        if (b.captures().isEmpty()) {
            out.add("no capture: no packets to replay");
        }
        if (b.traceLogs().isEmpty()) {
            out.add("no trace log: the replay cannot be checked against the kernel's TRACE");
        }
        return out;
    }

    private static boolean noCounters(CounterSnapshots c) {
        return c.before().isEmpty() && c.after().isEmpty();
    }
}
