package io.pktpath.parser.iptables.model;

import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.iptables.match.Match;
import io.pktpath.parser.iptables.target.Target;
import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One rule: where it is (table, chain, 1-based position, source line), its text as in the input ({@code -A CHAIN ...}
 * without counters), its matches in written order (all must hold), its target, its {@code [pkts:bytes]} when saved
 * with {@code -c}, and the {@code -4}/{@code -6} restriction it was written with, if any. {@code targetSpelling} holds the
 * target text as written when it differs from the target's canonical rendering (e.g. {@code --or-mark} variants).
 */
public record Rule(String table, String chain, int position, SourceSpan span, String text, List<Match> matches,
                   Target target, Optional<String> targetSpelling, Optional<Counters> counters,
                   Optional<IpFamily> onlyFamily) {
    public Rule {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(span, "span");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(targetSpelling, "targetSpelling");
        Objects.requireNonNull(counters, "counters");
        Objects.requireNonNull(onlyFamily, "onlyFamily");
        matches = List.copyOf(matches);
    }

    /** The same rule at another position (used when {@code -I} inserts before it). */
    public Rule withPosition(int newPosition) {
        return new Rule(table, chain, newPosition, span, text, matches, target, targetSpelling, counters, onlyFamily);
    }

    /** The matches of one kind, in written order. */
    public <M extends Match> List<M> matches(Class<M> kind) {
        return matches.stream().filter(kind::isInstance).map(kind::cast).toList();
    }
}
