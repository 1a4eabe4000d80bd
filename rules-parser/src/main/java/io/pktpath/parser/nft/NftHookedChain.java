package io.pktpath.parser.nft;

import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** A base chain together with its table, and what the chains it reaches (by jump, goto or verdict map) can do. */
public record NftHookedChain(NftTable table, NftChain chain) {
    public NftHookedChain {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(chain, "chain");
        if (chain.base().isEmpty()) {
            throw new IllegalArgumentException("not a base chain: " + chain.name());
        }
    }

    public NftBaseChain base() {
        return chain.base().orElseThrow();
    }

    /** {@code inet firewalld filter_INPUT}. */
    public String qualifiedName() {
        return table.qualifiedName() + " " + chain.name();
    }

    /**
     * The rules of this chain and of every chain of its table it jumps or goes to, directly, through an anonymous
     * verdict map or through a named one ({@code vmap @map}, whose elements name the chains), that can drop, reject or
     * rewrite a packet (a lookup in a named map with a {@code drop} element counts); each chain is visited once.
     */
    public List<NftRule> decisiveRules() {
        List<NftRule> out = new ArrayList<>();
        for (NftChain c : reachable()) {
            for (NftRule r : c.rules()) {
                if (!r.decisiveStatements().isEmpty() || r.mapReferences().stream()
                        .anyMatch(m -> table.set(m).map(NftSet::dropVerdict).orElse(false))) {
                    out.add(r);
                }
            }
        }
        return List.copyOf(out);
    }

    /** This chain and every chain of its table it reaches, in the order they are first reached. */
    public List<NftChain> reachable() {
        List<NftChain> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        Deque<NftChain> todo = new ArrayDeque<>(List.of(chain));
        while (!todo.isEmpty()) {
            NftChain c = todo.removeFirst();
            if (!seen.add(c.name())) {
                continue;
            }
            out.add(c);
            for (NftRule r : c.rules()) {
                for (String target : r.jumpTargets()) {
                    table.chain(target).ifPresent(todo::addLast);
                }
                for (String map : r.mapReferences()) {
                    table.set(map).ifPresent(s -> s.jumpTargets().forEach(t -> table.chain(t).ifPresent(todo::addLast)));
                }
            }
        }
        return out;
    }

    /** True when the chain's policy drops, it is a NAT chain, or a rule it reaches drops, rejects or rewrites packets. */
    public boolean canChangeVerdict() {
        return base().policy().equals("drop") || base().type().equals("nat") || !decisiveRules().isEmpty();
    }

    /** Rules in this chain and every chain it reaches. */
    public int reachableRuleCount() {
        return reachable().stream().mapToInt(c -> c.rules().size()).sum();
    }
}
