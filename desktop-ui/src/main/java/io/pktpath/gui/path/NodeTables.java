package io.pktpath.gui.path;

import io.pktpath.core.netfilter.LegacyTables;
import io.pktpath.core.trace.Hook;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.iptables.model.Ruleset;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tables a node runs at each hook, in netfilter priority order (raw, mangle, DNAT, filter, security, SNAT), taken
 * from the built-in chains of the bundle's rulesets.
 */
public final class NodeTables {
    private static final Map<Hook, List<String>> ORDER = Map.of(Hook.INGRESS, List.of(),
            Hook.PREROUTING, List.of("raw", "mangle", "nat"),
            Hook.INPUT, List.of("mangle", "filter", "security", "nat"),
            Hook.FORWARD, List.of("mangle", "filter", "security"),
            Hook.OUTPUT, List.of("raw", "mangle", "nat", "filter", "security"),
            Hook.POSTROUTING, List.of("mangle", "nat"));

    private NodeTables() {
    }

    /**
     * For each hook, the tables of either family that have that hook's built-in chain; with an iptables-legacy ruleset
     * replayed beside iptables-nft's, its tables too, named {@code legacy <table>} as the replay names them, in the
     * order the replay walks them: at an equal priority the legacy table first unless {@code --nft-first}, and the
     * legacy security table at its own priority 50, before the nat table's INPUT (100) and iptables-nft's security
     * chains (150).
     */
    public static Map<Hook, List<String>> of(Bundle bundle) {
        Map<Hook, List<String>> result = new EnumMap<>(Hook.class);
        boolean legacyFirst = bundle.legacy().legacyFirst();
        for (Hook hook : Hook.values()) {
            List<String> tables = new ArrayList<>();
            for (String table : ORDER.get(hook)) {
                boolean main = has(bundle.rulesetV4(), table, hook) || has(bundle.rulesetV6(), table, hook);
                boolean legacy = has(bundle.legacy().rulesetV4(), table, hook)
                        || has(bundle.legacy().rulesetV6(), table, hook);
                if (main && !legacyFirst) {
                    tables.add(table);
                }
                if (legacy) {
                    tables.add(LegacyTables.PREFIX + table);
                }
                if (main && legacyFirst) {
                    tables.add(table);
                }
            }
            if (!bundle.legacy().isEmpty()) {
                // iptables-nft's security chains run at 150, after the nat table's INPUT chain (100)
                tables.sort(java.util.Comparator.comparingInt(t -> t.equals("security") && hook == Hook.INPUT ? 1 : 0));
            }
            result.put(hook, List.copyOf(tables));
        }
        return result;
    }

    private static boolean has(Optional<Ruleset> ruleset, String table, Hook hook) {
        return ruleset.flatMap(r -> r.table(table)).flatMap(t -> t.chain(hook.name())).isPresent();
    }
}
