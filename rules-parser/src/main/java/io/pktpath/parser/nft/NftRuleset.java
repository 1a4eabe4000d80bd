package io.pktpath.parser.nft;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The tables of one {@code nft list ruleset} output, in file order, and the file they were read from. */
public record NftRuleset(String file, List<NftTable> tables) {
    public NftRuleset {
        Objects.requireNonNull(file, "file");
        tables = List.copyOf(tables);
        // a listing prints every set's elements or (nft -t) none: one table's elements tell the others' empty sets
        if (tables.stream().anyMatch(NftTable::elementsShown)) {
            tables = tables.stream().map(NftTable::withElementsShown).toList();
        }
    }

    /** Every base chain with its table, in file order. */
    public List<NftHookedChain> baseChains() {
        List<NftHookedChain> out = new ArrayList<>();
        for (NftTable t : tables) {
            for (NftChain c : t.chains()) {
                if (c.isBase()) {
                    out.add(new NftHookedChain(t, c));
                }
            }
        }
        return List.copyOf(out);
    }

    /** The base chains iptables-nft did not create ({@link IptablesNftTables}): the ones pktpath does not replay. */
    public List<NftHookedChain> nativeBaseChains() {
        return baseChains().stream().filter(h -> !IptablesNftTables.isIptablesOwn(h.table(), h.chain())).toList();
    }

    /** Chains and rules in all tables, for the inventory. */
    public int ruleCount() {
        return tables.stream().flatMap(t -> t.chains().stream()).mapToInt(c -> c.rules().size()).sum();
    }
}
