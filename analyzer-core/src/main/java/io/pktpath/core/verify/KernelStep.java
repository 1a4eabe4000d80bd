package io.pktpath.core.verify;

import java.util.Objects;

/**
 * One {@code TRACE:} line of {@code xtables-monitor --trace}: table, chain, a rule (with its nft handle and the rule's
 * text as {@code -A ...}) or the chain's policy, and the verdict normalized to pktpath's words (the raw RETURN code
 * {@code 0xfffffffb} becomes {@code RETURN}; a policy becomes {@code POLICY:ACCEPT}/{@code POLICY:DROP}).
 */
public record KernelStep(String table, String chain, boolean policy, String handle, String verdict, String ruleText,
                         int line) {
    public KernelStep {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(ruleText, "ruleText");
    }

    /** {@code nat:KUBE-SERVICES -A KUBE-SERVICES ... => JUMP:KUBE-SVC-X}, for side-by-side differences. */
    public String describe() {
        return table + ":" + chain + " " + (policy ? "policy" : ruleText) + " => " + verdict;
    }
}
