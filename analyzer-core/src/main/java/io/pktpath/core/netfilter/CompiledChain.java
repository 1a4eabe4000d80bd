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
    /** The chain's index, or null (a plain field: a walk entering a cold chain fetches one object fewer). */
    private final ChainIndex index;
    /** The numbering of the ruleset's rules (shared by all its chains). */
    final RuleNumbering numbering;
    /** Every position, 0 to the chain's length: an array shared by all chains of that length ({@link #positions}). */
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
        this.all = positions(this.rules.length);
        this.index = indexed ? ChainIndex.build(this.rules).orElse(null) : null;
    }

    /** Chains up to this length share their array of positions. */
    private static final int SHARED_POSITIONS = 64;
    private static final int[][] POSITIONS = new int[SHARED_POSITIONS + 1][];

    static {
        for (int n = 0; n <= SHARED_POSITIONS; n++) {
            POSITIONS[n] = identity(n);
        }
    }

    /**
     * The positions 0 to {@code length - 1}: one shared array per length for all but very long chains, so that the
     * many short chains of a large ruleset (kube-proxy's per-service chains) do not each bring their own into the cache.
     */
    static int[] positions(int length) {
        return length <= SHARED_POSITIONS ? POSITIONS[length] : identity(length);
    }

    private static int[] identity(int length) {
        int[] out = new int[length];
        for (int i = 0; i < length; i++) {
            out[i] = i;
        }
        return out;
    }

    /** Every position, 0 to the chain's length, ascending (an array shared with other chains: never written). */
    int[] allPositions() {
        return all;
    }

    /** The chain's index of candidate rules, if it has one. */
    Optional<ChainIndex> index() {
        return Optional.ofNullable(index);
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
        if (index == null || collectMisses) {
            return all;
        }
        return index.candidates(packet);
    }
}
