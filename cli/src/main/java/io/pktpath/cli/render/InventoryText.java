package io.pktpath.cli.render;

import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.iproute.InterfaceAddress;
import io.pktpath.parser.iproute.NetInterface;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.model.Table;
import java.io.PrintStream;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a bundle holds, for {@code rules check}: tables with their chains and rule counts per family, interfaces with
 * addresses, routes, policy rules, neighbors, sysctls, ipsets, conntrack entries, captures and the file inventory.
 */
public final class InventoryText {
    private InventoryText() {
    }

    public static void render(Bundle b, Style style, PrintStream out) {
        out.println(style.bold("files:"));
        b.inventory().lines().forEach(l -> out.println("  " + l));
        ruleset("iptables (IPv4)", b.rulesetV4(), out);
        ruleset("ip6tables (IPv6)", b.rulesetV6(), out);
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

    private static String address(InterfaceAddress a) {
        return a.cidr().address() + "/" + a.cidr().prefixLength();
    }

    private static void ruleset(String label, Optional<Ruleset> ruleset, PrintStream out) {
        if (ruleset.isEmpty()) {
            out.println(label + ": none");
            return;
        }
        Ruleset r = ruleset.get();
        out.println(label + ": " + r.tables().size() + " tables, "
                + r.tables().stream().mapToInt(t -> t.ruleCount()).sum() + " rules"
                + (r.legacyTablesPresent() ? " (warning: iptables-legacy tables are also active)" : ""));
        for (Table t : r.tables()) {
            out.println("  " + t.name() + ": " + t.chains().size() + " chains, " + t.ruleCount() + " rules");
            for (Chain c : t.chains()) {
                out.println("    " + c.name() + " " + c.policy().map(p -> "policy " + p).orElse("(user chain)") + ", "
                        + c.rules().size() + (c.rules().size() == 1 ? " rule" : " rules"));
            }
        }
        if (!r.skippedRules().isEmpty()) {
            out.println("  skipped (other family): " + r.skippedRules().size() + " rules");
        }
    }
}
