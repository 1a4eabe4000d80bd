package io.pktpath.core.trace;

import io.pktpath.parser.diag.SourceSpan;
import java.util.Objects;

/** Where a rule lives: family, table, chain, 1-based position, its source line and its iptables-save text. */
public record RuleRef(int family, String table, String chain, int position, SourceSpan span, String text) {
    public RuleRef {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(span, "span");
        Objects.requireNonNull(text, "text");
    }

    /** {@code filter FORWARD #3}. */
    public String label() {
        return table + " " + chain + " #" + position;
    }

    /**
     * {@code filter FORWARD #3 (iptables-save.txt:17)}, with the column where one is known ({@code nft -j}'s one-line
     * document: {@code inet fw input #1 (nft-ruleset.json:1:812)}); IPv6 rules are prefixed {@code ip6}, unless their
     * table's name already says so (a native {@code ip6 kube-proxy} table).
     */
    public String labelWithSource() {
        return (family == 6 && !table.startsWith("ip6 ") ? "ip6 " : "") + label() + " (" + span.file() + ":" + span.line()
                + (span.column() > 0 ? ":" + span.column() : "") + ")";
    }
}
