package io.pktpath.core.netfilter;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.ChainReturnStep;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.Verdict;
import io.pktpath.parser.iptables.model.Policy;
import java.util.List;
import java.util.Optional;

/** A chain ready to walk: its rules in order, its policy when built in, and an optional index of candidate rules. */
final class CompiledChain {
    final String table;
    final String name;
    final boolean builtin;
    final Optional<Policy> policy;
    final CompiledRule[] rules;
    final Optional<ChainIndex> index;
    /** The numbering of the ruleset's rules (shared by all its chains). */
    final RuleNumbering numbering;
    private final int[] all;
    /** The last policy and implicit-return steps made for this chain (immutable values, given again while equal). */
    private PolicyStep lastPolicyStep;
    private ChainReturnStep lastReturnStep;

    CompiledChain(String table, String name, boolean builtin, Optional<Policy> policy, List<CompiledRule> rules,
                  boolean indexed, RuleNumbering numbering) {
        this.numbering = numbering;
        this.table = table;
        this.name = name;
        this.builtin = builtin;
        this.policy = policy;
        this.rules = rules.toArray(new CompiledRule[0]);
        this.all = new int[this.rules.length];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        this.index = indexed ? ChainIndex.build(this.rules) : Optional.empty();
    }

    /** The step of this built-in chain's policy {@code verdict} applied at {@code hook}. */
    PolicyStep policyStep(Hook hook, Verdict verdict) {
        PolicyStep step = lastPolicyStep;
        if (step == null || step.hook() != hook || step.verdict() != verdict) {
            step = new PolicyStep(hook, table, name, verdict);
            lastPolicyStep = step;
        }
        return step;
    }

    /** The step of a walk at {@code hook} falling off the end of this user chain. */
    ChainReturnStep returnStep(Hook hook) {
        ChainReturnStep step = lastReturnStep;
        if (step == null || step.hook() != hook) {
            step = new ChainReturnStep(hook, table, name);
            lastReturnStep = step;
        }
        return step;
    }

    /**
     * The positions (0-based, ascending) of the rules to evaluate for this packet: every rule, or, with an index and
     * no misses to collect, only the rules that can match the packet's (destination, protocol, port).
     */
    int[] candidates(Packet packet, boolean collectMisses) {
        if (index.isEmpty() || collectMisses) {
            return all;
        }
        return index.get().candidates(packet);
    }
}
