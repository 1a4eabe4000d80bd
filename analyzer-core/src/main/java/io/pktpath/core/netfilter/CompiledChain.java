package io.pktpath.core.netfilter;

import io.pktpath.core.engine.Packet;
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
