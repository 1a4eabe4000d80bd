package io.pktpath.parser.iptables.listing;

import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Objects;

/**
 * One {@code iptables [-t TABLE] -nvL} (or {@code -vnxL}, {@code --line-numbers}) listing read back: its file, table,
 * family, chains, and how many of its packet and byte figures were rounded ({@code 12K}: without {@code -x}).
 */
public record ListedTable(String file, String table, IpFamily family, List<ListedChain> chains, int roundedFigures) {
    public ListedTable {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(family, "family");
        chains = List.copyOf(chains);
    }

    public int ruleCount() {
        return chains.stream().mapToInt(c -> c.rules().size()).sum();
    }

    /** Whether every rule line was turned back into an iptables-save rule. */
    public boolean complete() {
        return chains.stream().flatMap(c -> c.rules().stream()).allMatch(r -> r.saveRule().isPresent());
    }
}
