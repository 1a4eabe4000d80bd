package io.pktpath.cli.render;

import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.iproute.InterfaceAddress;
import io.pktpath.parser.iproute.NetInterface;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.model.Table;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a bundle holds, for {@code rules check}: tables with their chains and rule counts per family, nftables tables
 * with their base chains (native or iptables-nft's own), kube-proxy's IPVS mode and virtual services, the ebtables and
 * arptables rules, interfaces with
 * addresses, routes, policy rules, neighbors, sysctls, ipsets, conntrack entries, captures and the file inventory.
 */
public final class InventoryText {
    private InventoryText() {
    }

    public static void render(Bundle b, Style style, PrintStream out) {
        out.println(style.bold("files:"));
        b.inventory().lines().forEach(l -> out.println("  " + l));
        ruleset("iptables (IPv4" + fromListings(b, io.pktpath.parser.net.IpFamily.V4) + ")", b.rulesetV4(), out);
        ruleset("ip6tables (IPv6" + fromListings(b, io.pktpath.parser.net.IpFamily.V6) + ")", b.rulesetV6(), out);
        String order = b.legacy().legacyFirst() ? "each table first at its priority"
                : "after iptables-nft's chain of the same priority (--nft-first)";
        b.legacy().rulesetV4().ifPresent(r -> ruleset("iptables-legacy (IPv4, replayed beside iptables-nft's, " + order
                + ")", Optional.of(r), out));
        b.legacy().rulesetV6().ifPresent(r -> ruleset("ip6tables-legacy (IPv6, replayed beside ip6tables-nft's, "
                + order + ")", Optional.of(r), out));
        NftInventoryText.render(b.nftRuleset(), b.nftReplay(), java.util.Arrays.stream(io.pktpath.parser.net.IpFamily.values())
                .filter(f -> !b.listings(f).isEmpty()).collect(Collectors.toSet()), out);
        IpvsInventoryText.render(b.ipvs(), out);
        LinkLayerInventoryText.render(b.linkLayer(), b.nftReplay(), out);
        out.println("interfaces: " + b.interfaces().size());
        for (NetInterface i : b.interfaces()) {
            out.println("  " + i.index() + ": " + i.name() + " " + i.operState()
                    + (i.addresses().isEmpty() ? "" : "  " + i.addresses().stream().map(InventoryText::address)
                    .collect(Collectors.joining(" "))));
        }
        out.println("routes: IPv4 " + b.routesV4().size() + ", IPv6 " + b.routesV6().size());
        out.println("ip rules: IPv4 " + b.policyRulesV4().size() + ", IPv6 " + b.policyRulesV6().size());
        out.println("neighbors: " + b.neighbors().size());
        out.println("sysctls: " + b.sysctls().values().size());
        out.println("ipsets: " + b.ipsets().sets().size() + (b.ipsets().sets().isEmpty() ? ""
                : " (" + b.ipsets().sets().values().stream().map(s -> s.name() + " " + s.entries().size() + " entries")
                .collect(Collectors.joining(", ")) + ")"));
        out.println("conntrack entries: before " + b.conntrackBefore().size() + ", after " + b.conntrack().size());
        out.println("kernel: " + b.kernel().map(k -> k.release().isEmpty() ? k.major() + "." + k.minor() + "." + k.patch() : k.release()).orElse("unknown"));
        out.println("captures: " + (b.captures().isEmpty() ? "none" : b.captures().stream()
                .map(p -> String.valueOf(p.getFileName())).collect(Collectors.joining(", "))));
        out.println("trace logs: " + (b.traceLogs().isEmpty() ? "none" : b.traceLogs().stream()
                .map(p -> String.valueOf(p.getFileName())).collect(Collectors.joining(", "))));
    }

    /** User chains named alike ({@link #groupOf}) that are at least this many are listed as one line. */
    static final int GROUPED_CHAINS = 10;

    /**
     * The table's chains in order, one line each, except that many user chains named alike (kube-proxy's per-service
     * {@code KUBE-SVC-<hash>}, {@code KUBE-SEP-<hash>}, ...) make one line where the first of them stands.
     */
    static void chains(Table t, PrintStream out) {
        Map<ChainGroup, int[]> groups = new HashMap<>();
        for (Chain c : t.chains()) {
            ChainGroup group = groupOf(c);
            if (group != null) {
                int[] g = groups.computeIfAbsent(group, k -> new int[2]);
                g[0]++;
                g[1] += c.rules().size();
            }
        }
        Set<ChainGroup> printed = new HashSet<>();
        for (Chain c : t.chains()) {
            ChainGroup group = groupOf(c);
            int[] g = group == null ? null : groups.get(group);
            if (g == null || g[0] < GROUPED_CHAINS) {
                out.println("    " + c.name() + " " + c.policy().map(p -> "policy " + p).orElse("(user chain)") + ", "
                        + c.rules().size() + (c.rules().size() == 1 ? " rule" : " rules"));
            } else if (printed.add(group)) {
                out.println("    " + group.prefix() + "* (" + g[0] + " user chains, e.g. " + c.name() + "), " + g[1]
                        + (g[1] == 1 ? " rule" : " rules"));
            }
        }
    }

    /** User chains named alike: the name up to and including its last '-', and the length of the rest. */
    record ChainGroup(String prefix, int restLength) {
    }

    /**
     * The group of a user chain: generated names such as kube-proxy's {@code KUBE-SEP-} and a 16-character hash share
     * it, {@code KUBE-SERVICES} and {@code KUBE-FORWARD} do not; null for built-in chains and names without such a dash.
     */
    static ChainGroup groupOf(Chain c) {
        String name = c.name();
        int dash = name.lastIndexOf('-');
        if (c.policy().isPresent() || dash <= 0 || dash == name.length() - 1) {
            return null;
        }
        return new ChainGroup(name.substring(0, dash + 1), name.length() - dash - 1);
    }

    private static String address(InterfaceAddress a) {
        return a.cidr().address() + "/" + a.cidr().prefixLength();
    }

    /** Where a family's rules were read from when it is not iptables-save: ", from the listings A, B (iptables -nvL)". */
    private static String fromListings(Bundle b, io.pktpath.parser.net.IpFamily family) {
        List<String> files = b.listings(family);
        return files.isEmpty() ? "" : ", from the listings " + String.join(", ", files) + " ("
                + (family == io.pktpath.parser.net.IpFamily.V4 ? "iptables" : "ip6tables") + " -nvL)";
    }

    private static void ruleset(String label, Optional<Ruleset> ruleset, PrintStream out) {
        if (ruleset.isEmpty()) {
            out.println(label + ": none");
            return;
        }
        Ruleset r = ruleset.get();
        out.println(label + ": " + r.tables().size() + " tables, "
                + r.tables().stream().mapToInt(t -> t.ruleCount()).sum() + " rules"
                + (r.legacyTablesPresent() ? " (the dump warns that iptables-legacy tables are also active)" : ""));
        for (Table t : r.tables()) {
            out.println("  " + t.name() + ": " + t.chains().size() + " chains, " + t.ruleCount() + " rules");
            chains(t, out);
        }
        if (!r.skippedRules().isEmpty()) {
            out.println("  skipped (other family): " + r.skippedRules().size() + " rules");
        }
    }
}
