package io.pktpath.parser.ipvs;

import io.pktpath.parser.iproute.InterfaceAddress;
import io.pktpath.parser.iproute.NetInterface;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.model.Table;
import io.pktpath.parser.net.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether the node runs kube-proxy in IPVS mode, which pktpath does not replay, and the evidence: an ipvsadm table with a
 * virtual service, an interface {@value #DUMMY} (kube-proxy puts every service address on it), or iptables rules
 * matching kube-proxy's IPVS-mode ipsets; with the virtual addresses (those of {@value #DUMMY}) and the ipvsadm table.
 */
public record IpvsMode(List<String> evidence, List<IpAddress> dummyAddresses, Optional<IpvsTable> table) {
    /** The dummy interface kube-proxy's IPVS mode binds every service address to. */
    public static final String DUMMY = "kube-ipvs0";
    private static final Pattern IPVS_SET = Pattern.compile("--match-set\\s+(KUBE-CLUSTER-IP|KUBE-LOAD-BALANCER\\S*"
            + "|KUBE-NODE-PORT-\\S+|KUBE-EXTERNAL-IP\\S*)\\s");

    public IpvsMode {
        evidence = List.copyOf(evidence);
        dummyAddresses = List.copyOf(dummyAddresses);
        Objects.requireNonNull(table, "table");
    }

    /** A node without any sign of IPVS. */
    public static IpvsMode none() {
        return new IpvsMode(List.of(), List.of(), Optional.empty());
    }

    /** True when any evidence says kube-proxy runs in IPVS mode. */
    public boolean detected() {
        return !evidence.isEmpty();
    }

    /** The evidence in one line, {@code ; }-separated. */
    public String evidenceText() {
        return String.join("; ", evidence);
    }

    /** Looks for IPVS mode in the node's ipvsadm table, interfaces and iptables rulesets. */
    public static IpvsMode detect(Optional<IpvsTable> table, List<NetInterface> interfaces, List<Ruleset> rulesets) {
        List<String> evidence = new ArrayList<>();
        table.filter(t -> !t.services().isEmpty()).ifPresent(t -> evidence.add(t.file() + " (ipvsadm) lists "
                + t.services().size() + " IPVS virtual service" + (t.services().size() == 1 ? "" : "s")));
        List<IpAddress> dummy = new ArrayList<>();
        for (NetInterface i : interfaces) {
            if (i.name().equals(DUMMY)) {
                i.addresses().stream().map(InterfaceAddress::address).forEach(dummy::add);
                evidence.add("interface " + DUMMY + " exists" + (dummy.isEmpty() ? "" : " and holds " + dummy.size()
                        + " address" + (dummy.size() == 1 ? "" : "es") + " (" + String.join(", ", dummy.stream()
                        .limit(4).map(IpAddress::toString).toList()) + (dummy.size() > 4 ? ", ..." : "") + ")"));
            }
        }
        for (Ruleset r : rulesets) {
            TreeSet<String> sets = new TreeSet<>();
            Rule first = null;
            for (Table t : r.tables()) {
                for (Chain c : t.chains()) {
                    for (Rule rule : c.rules()) {
                        if (!rule.text().contains("--match-set KUBE-")) {
                            continue;
                        }
                        Matcher m = IPVS_SET.matcher(rule.text() + " ");
                        while (m.find()) {
                            sets.add(m.group(1));
                            first = first == null ? rule : first;
                        }
                    }
                }
            }
            if (first != null) {
                evidence.add((r.family() == io.pktpath.parser.net.IpFamily.V4 ? "iptables" : "ip6tables")
                        + " rules match kube-proxy's IPVS ipsets " + String.join(", ", sets) + " (first: "
                        + first.span() + ")");
            }
        }
        return new IpvsMode(evidence, dummy, table);
    }
}
