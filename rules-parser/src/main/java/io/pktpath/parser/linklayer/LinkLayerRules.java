package io.pktpath.parser.linklayer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The ebtables or arptables rules of a node, table by table in the order read: what pktpath lists and reports but
 * does not replay (bridge-level filtering runs before br_netfilter's iptables passes, ARP filtering beside IP).
 */
public record LinkLayerRules(LinkLayerTool tool, List<LinkLayerChain> chains) {
    public LinkLayerRules {
        Objects.requireNonNull(tool, "tool");
        chains = List.copyOf(chains);
    }

    /** The user chains of {@code table} (the targets a rule jumps to rather than applies). */
    public Set<String> userChains(String table) {
        Set<String> out = new LinkedHashSet<>();
        for (LinkLayerChain c : chains) {
            if (c.table().equals(table) && !c.builtin()) {
                out.add(c.name());
            }
        }
        return out;
    }

    /** The number of rules in every chain. */
    public int ruleCount() {
        return chains.stream().mapToInt(c -> c.rules().size()).sum();
    }

    /**
     * One tool's rules from several files (an sosreport keeps one {@code ebtables -t T -L} file per table; a bundle may
     * hold both an {@code ebtables-save} and a listing): each table is taken from the file that holds the most rules
     * for it, the first such file on a tie, so no table is counted twice.
     */
    public static LinkLayerRules merge(LinkLayerTool tool, List<LinkLayerRules> parts) {
        Map<String, List<LinkLayerChain>> best = new LinkedHashMap<>();
        for (LinkLayerRules part : parts) {
            Map<String, List<LinkLayerChain>> byTable = new LinkedHashMap<>();
            for (LinkLayerChain c : part.chains()) {
                byTable.computeIfAbsent(c.table(), t -> new ArrayList<>()).add(c);
            }
            byTable.forEach((table, chains) -> {
                List<LinkLayerChain> kept = best.get(table);
                if (kept == null || rules(chains) > rules(kept)) {
                    best.put(table, chains);
                }
            });
        }
        List<LinkLayerChain> all = new ArrayList<>();
        best.values().forEach(all::addAll);
        return new LinkLayerRules(tool, all);
    }

    private static int rules(List<LinkLayerChain> chains) {
        return chains.stream().mapToInt(c -> c.rules().size()).sum();
    }
}
