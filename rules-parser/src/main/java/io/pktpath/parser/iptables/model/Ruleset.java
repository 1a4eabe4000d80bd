package io.pktpath.parser.iptables.model;

import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code iptables-save} or {@code ip6tables-save} dump: its tables in file order, whether the dump warned that
 * iptables-legacy tables are also active (semantics §10.4), and the rules iptables-restore would skip
 * ({@code -6} lines in an IPv4 dump and vice versa), which are kept for display but are in no chain.
 */
public record Ruleset(IpFamily family, List<Table> tables, boolean legacyTablesPresent, List<Rule> skippedRules,
                      Optional<String> generator) {
    public Ruleset {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(generator, "generator");
        tables = List.copyOf(tables);
        skippedRules = List.copyOf(skippedRules);
    }

    /** An empty ruleset of a family (what a strict parse returns after a fatal error). */
    public static Ruleset empty(IpFamily family) {
        return new Ruleset(family, List.of(), false, List.of(), Optional.empty());
    }

    public Optional<Table> table(String name) {
        return tables.stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
