package io.pktpath.parser.bundle;

import io.pktpath.parser.conntrack.ConntrackEntry;
import io.pktpath.parser.conntrack.ConntrackEvent;
import io.pktpath.parser.conntrack.ConntrackStats;
import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.iproute.MulticastGroups;
import io.pktpath.parser.iproute.Neighbor;
import io.pktpath.parser.iproute.NetInterface;
import io.pktpath.parser.iproute.PolicyRule;
import io.pktpath.parser.iproute.Route;
import io.pktpath.parser.ipset.IpSets;
import io.pktpath.parser.ipvs.IpvsMode;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.linklayer.LinkLayerRules;
import io.pktpath.parser.linklayer.LinkLayerTool;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.nft.NftNativeReplay;
import io.pktpath.parser.nft.NftRuleset;
import io.pktpath.parser.sockets.SocketTable;
import io.pktpath.parser.sysctl.Sysctls;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything read from one node's bundle: rulesets and counter snapshots per family, interfaces, routes and policy rules
 * per family, neighbors, sysctls, ipsets, conntrack entries (before/after) and statistics, the kernel's
 * {@code conntrack -E} events (in file and line order; empty without such a file), kernel version, the capture and
 * trace-log paths (read later by their own readers), the sockets listed by {@code ss} (empty without such a file), the
 * multicast memberships listed by {@code ip maddr} (empty without such a file), the
 * {@code nft list ruleset} output and what pktpath does with its native base chains (decided once, when the bundle is
 * assembled: which are replayed, translated, and why the others are not), whether the node runs kube-proxy in IPVS mode
 * (with the {@code ipvsadm} table when there is one; detected, never replayed), the iptables-legacy rules beside
 * iptables-nft's ({@link LegacyIptables}; empty unless the bundle holds dumps of both backends), the ebtables and
 * arptables rules (one merged {@link LinkLayerRules} per tool found; listed and reported, never replayed), every parse
 * diagnostic and the inventory. Whether an input was
 * present at all (an empty list vs. no file) is answered by {@link #has(InputKind)}.
 */
public record Bundle(Optional<Ruleset> rulesetV4, Optional<Ruleset> rulesetV6, CounterSnapshots countersV4,
                     CounterSnapshots countersV6, List<NetInterface> interfaces, List<Route> routesV4,
                     List<Route> routesV6, List<PolicyRule> policyRulesV4, List<PolicyRule> policyRulesV6,
                     List<Neighbor> neighbors, Sysctls sysctls, IpSets ipsets, List<ConntrackEntry> conntrackBefore,
                     List<ConntrackEntry> conntrack, Optional<ConntrackStats> conntrackStatsBefore,
                     Optional<ConntrackStats> conntrackStats, List<ConntrackEvent> conntrackEvents,
                     Optional<SocketTable> sockets,
                     List<MulticastGroups> multicastGroups, Optional<KernelVersion> kernel, List<Path> captures,
                     List<Path> traceLogs, Optional<NftRuleset> nftRuleset, NftNativeReplay nftReplay,
                     IpvsMode ipvs, LegacyIptables legacy, List<LinkLayerRules> linkLayer, List<Diagnostic> diagnostics,
                     BundleInventory inventory) {
    public Bundle {
        Objects.requireNonNull(rulesetV4, "rulesetV4");
        Objects.requireNonNull(rulesetV6, "rulesetV6");
        Objects.requireNonNull(countersV4, "countersV4");
        Objects.requireNonNull(countersV6, "countersV6");
        interfaces = List.copyOf(interfaces);
        routesV4 = List.copyOf(routesV4);
        routesV6 = List.copyOf(routesV6);
        policyRulesV4 = List.copyOf(policyRulesV4);
        policyRulesV6 = List.copyOf(policyRulesV6);
        neighbors = List.copyOf(neighbors);
        Objects.requireNonNull(sysctls, "sysctls");
        Objects.requireNonNull(ipsets, "ipsets");
        conntrackBefore = List.copyOf(conntrackBefore);
        conntrack = List.copyOf(conntrack);
        Objects.requireNonNull(conntrackStatsBefore, "conntrackStatsBefore");
        Objects.requireNonNull(conntrackStats, "conntrackStats");
        conntrackEvents = List.copyOf(conntrackEvents);
        Objects.requireNonNull(sockets, "sockets");
        multicastGroups = List.copyOf(multicastGroups);
        Objects.requireNonNull(kernel, "kernel");
        captures = List.copyOf(captures);
        traceLogs = List.copyOf(traceLogs);
        Objects.requireNonNull(nftRuleset, "nftRuleset");
        Objects.requireNonNull(nftReplay, "nftReplay");
        Objects.requireNonNull(ipvs, "ipvs");
        Objects.requireNonNull(legacy, "legacy");
        linkLayer = List.copyOf(linkLayer);
        diagnostics = List.copyOf(diagnostics);
        Objects.requireNonNull(inventory, "inventory");
    }

    /** True when at least one file of this kind was found and used. */
    public boolean has(InputKind kind) {
        return inventory.found().stream().anyMatch(f -> f.kind() == kind && !f.note().startsWith("not used"));
    }

    /** This bundle with {@code more} diagnostics after its own (e.g. where an archive it came from was cut short). */
    public Bundle withDiagnostics(List<Diagnostic> more) {
        List<Diagnostic> all = new java.util.ArrayList<>(diagnostics);
        all.addAll(more);
        return new Bundle(rulesetV4, rulesetV6, countersV4, countersV6, interfaces, routesV4, routesV6, policyRulesV4,
                policyRulesV6, neighbors, sysctls, ipsets, conntrackBefore, conntrack, conntrackStatsBefore,
                conntrackStats, conntrackEvents, sockets, multicastGroups, kernel, captures, traceLogs, nftRuleset,
                nftReplay, ipvs, legacy, linkLayer, all, inventory);
    }

    /** This bundle with another inventory (the same files, said with the network namespace it was read as). */
    public Bundle withInventory(BundleInventory other) {
        return new Bundle(rulesetV4, rulesetV6, countersV4, countersV6, interfaces, routesV4, routesV6, policyRulesV4,
                policyRulesV6, neighbors, sysctls, ipsets, conntrackBefore, conntrack, conntrackStatsBefore,
                conntrackStats, conntrackEvents, sockets, multicastGroups, kernel, captures, traceLogs, nftRuleset,
                nftReplay, ipvs, legacy, linkLayer, diagnostics, other);
    }

    /** This bundle with other iptables-legacy rules (the same rules in another order, as the CLI's --nft-first). */
    public Bundle withLegacy(LegacyIptables other) {
        return new Bundle(rulesetV4, rulesetV6, countersV4, countersV6, interfaces, routesV4, routesV6, policyRulesV4,
                policyRulesV6, neighbors, sysctls, ipsets, conntrackBefore, conntrack, conntrackStatsBefore,
                conntrackStats, conntrackEvents, sockets, multicastGroups, kernel, captures, traceLogs, nftRuleset,
                nftReplay, ipvs, other, linkLayer, diagnostics, inventory);
    }

    /** The ebtables or arptables rules the bundle holds, if any file of that tool was found. */
    public Optional<LinkLayerRules> linkLayer(LinkLayerTool tool) {
        return linkLayer.stream().filter(r -> r.tool() == tool).findFirst();
    }

    /**
     * The {@code iptables -nvL} listings a family's rules were read from (the bundle has no iptables-save for it), in
     * path order; empty when they come from iptables-save or there are none.
     */
    public List<String> listings(IpFamily family) {
        String note = "rules " + (family == IpFamily.V4 ? "IPv4" : "IPv6") + ", table ";
        return inventory.found().stream().filter(f -> f.kind() == InputKind.IPTABLES_LISTING
                && f.note().startsWith(note)).map(BundleInventory.Found::file).toList();
    }

    public Optional<Ruleset> ruleset(IpFamily family) {
        return family == IpFamily.V4 ? rulesetV4 : rulesetV6;
    }

    public List<Route> routes(IpFamily family) {
        return family == IpFamily.V4 ? routesV4 : routesV6;
    }

    public List<PolicyRule> policyRules(IpFamily family) {
        return family == IpFamily.V4 ? policyRulesV4 : policyRulesV6;
    }

    public CounterSnapshots counters(IpFamily family) {
        return family == IpFamily.V4 ? countersV4 : countersV6;
    }
}
