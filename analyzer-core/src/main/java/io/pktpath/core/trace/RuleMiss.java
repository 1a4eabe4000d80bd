package io.pktpath.core.trace;

import java.util.Objects;

/**
 * A rule that was evaluated and did not match, with the first match that failed and the values compared
 * ("--dport 443", packet has "80"); recorded only when explaining misses is asked for.
 */
public record RuleMiss(Hook hook, RuleRef rule, String failedMatch, String packetValue) {
    public RuleMiss {
        Objects.requireNonNull(hook, "hook");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(failedMatch, "failedMatch");
        packetValue = packetValue == null ? "" : packetValue;
    }
}
