package io.pktpath.core.rules;

import io.pktpath.core.trace.RuleRef;
import java.util.Objects;

/** A rule no packet can reach: an earlier rule of the same chain matches every packet it would and ends the chain. */
public record ShadowedRule(RuleRef rule, RuleRef by, String why) {
    public ShadowedRule {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(why, "why");
    }
}
