package io.pktpath.parser.bundle;

import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.net.IpFamily;
import java.util.Objects;
import java.util.Optional;

/**
 * The iptables-legacy rules of a node whose main dumps come from iptables-nft, per family: the kernel runs both
 * backends' tables at the same hooks, so the replay walks these beside the main ones ({@code iptables-legacy-save} and
 * its {@code -c} snapshots; empty when the bundle holds one backend only). At equal priority the kernel runs the hook
 * registered later first, which no dump shows: {@code legacyFirst} (the default) takes the legacy tables as registered
 * after iptables-nft's chains.
 */
public record LegacyIptables(Optional<Ruleset> rulesetV4, Optional<Ruleset> rulesetV6, CounterSnapshots countersV4,
                             CounterSnapshots countersV6, boolean legacyFirst) {
    public LegacyIptables {
        Objects.requireNonNull(rulesetV4, "rulesetV4");
        Objects.requireNonNull(rulesetV6, "rulesetV6");
        Objects.requireNonNull(countersV4, "countersV4");
        Objects.requireNonNull(countersV6, "countersV6");
    }

    /** No legacy rules beside the main ones. */
    public static LegacyIptables none() {
        return new LegacyIptables(Optional.empty(), Optional.empty(), CounterSnapshots.none(), CounterSnapshots.none(),
                true);
    }

    /** These rules with the order at equal priority given: legacy tables first, or iptables-nft's chains first. */
    public LegacyIptables withLegacyFirst(boolean first) {
        return new LegacyIptables(rulesetV4, rulesetV6, countersV4, countersV6, first);
    }

    public boolean isEmpty() {
        return rulesetV4.isEmpty() && rulesetV6.isEmpty();
    }

    public Optional<Ruleset> ruleset(IpFamily family) {
        return family == IpFamily.V4 ? rulesetV4 : rulesetV6;
    }

    public CounterSnapshots counters(IpFamily family) {
        return family == IpFamily.V4 ? countersV4 : countersV6;
    }
}
