package io.pktpath.core.netfilter;

import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.Verdict;
import io.pktpath.parser.iptables.model.Policy;
import io.pktpath.parser.iptables.target.RejectWith;
import io.pktpath.parser.iptables.target.Tproxy;
import java.util.List;
import java.util.Optional;

/**
 * Walks one table's built-in chain for a hook as the kernel does (semantics §3.1): first matching rule, jumps return
 * unless the called chain decided, a goto replaces the current chain (so falling off the goto'd chain returns to the
 * caller's caller, or applies the policy when the goto came from the built-in chain), RETURN and the end of a user
 * chain go back to the caller, and the end of the built-in chain applies its policy.
 */
final class Walker {
    /** Deeper nesting can only come from a loop in the dump (the kernel refuses loops). */
    static final int MAX_DEPTH = 128;

    private Walker() {
    }

    static TableResult walk(CompiledChain chain, Hook hook, Packet packet, Optional<CtInfo> ct, WalkContext ctx,
                            boolean applyPolicy) {
        return walk(chain, hook, packet, ct, ctx, applyPolicy, false);
    }

    /** As {@link #walk}; {@code natChain}: the chain is a native nftables chain of type nat (its NAT statements bind). */
    static TableResult walk(CompiledChain chain, Hook hook, Packet packet, Optional<CtInfo> ct, WalkContext ctx,
                            boolean applyPolicy, boolean natChain) {
        Evaluation e = ctx.evaluation(hook, chain.table, packet, ct, chain.numbering);
        e.natChain |= natChain;
        e.entry = chain;
        e.entryIsHookChain = applyPolicy;
        boolean decided = run(e, chain, chain.rules, chain.candidates(packet, ctx.collectMisses()), 0);
        boolean policyApplied = false;
        if (!decided && applyPolicy) {
            policyApplied = true;
            Policy policy = chain.policy.orElse(Policy.ACCEPT);
            if (chain.policy.isEmpty()) {
                e.note("chain " + chain.table + " " + chain.name + " has no policy in the dump: ACCEPT assumed");
            }
            e.verdict = policy == Policy.DROP ? TableVerdict.DROP : TableVerdict.ACCEPT;
            ctx.steps().add(chain.policyStep(hook, policy == Policy.DROP ? Verdict.POLICY_DROP : Verdict.POLICY_ACCEPT));
        }
        TableResult result = new TableResult(hook, chain.table, chain.name, true, e.verdict, e.rejectWith, e.packet,
                e.ct, e.nat, e.decidingRule, e.decidingTarget, policyApplied, e.raw, e.stateUpdates(),
                e.natChain ? e.hits.buildOwn() : e.hits.build(), packet.length(), e.notes());
        ctx.release(e);
        return result;
    }

    /** Walks the chain {@code r} jumps or goes to, whose rules and positions it carries when the chain has no index. */
    private static boolean enter(Evaluation e, CompiledRule r, int depth) {
        CompiledChain chain = r.jumpTo;
        if (r.jumpRules != null) {
            return run(e, chain, r.jumpRules, r.jumpPositions, depth);
        }
        return run(e, chain, chain.rules, chain.candidates(e.packet, e.ctx.collectMisses()), depth);
    }

    /**
     * Walks a chain over its {@code rules} at {@code candidates}; true when a verdict ended the table, false when the
     * walk goes back to the caller.
     */
    private static boolean run(Evaluation e, CompiledChain chain, CompiledRule[] rules, int[] candidates, int depth) {
        if (depth > MAX_DEPTH) {
            e.note("chains nested deeper than " + MAX_DEPTH + " at " + chain.name + " (a loop?): treated as RETURN");
            return false;
        }
        for (int position : candidates) {
            CompiledRule r = rules[position];
            e.rule = r.ref;
            if (!r.test(e)) {
                e.dropMatchEffects();
                continue;
            }
            e.hits.add(r);
            // a native nft rule's statement before its verdict: the set or mark changed, then the verdict taken
            List<String> effects = r.statement == null ? List.of() : TargetEffects.apply(r.statement, e);
            switch (r.kind) {
                case JUMP -> {
                    step(e, r, r.chainVerdict, effects);
                    if (r.jumpTo == null) {
                        e.note(r.ref.label() + " jumps to chain " + r.jumpName + ", which is not in the dump: ignored");
                    } else if (enter(e, r, depth + 1)) {
                        return true;
                    }
                }
                case GOTO -> {
                    step(e, r, r.chainVerdict, effects);
                    if (r.jumpTo == null) {
                        e.note(r.ref.label() + " goes to chain " + r.jumpName + ", which is not in the dump: ignored");
                    } else {
                        return enter(e, r, depth + 1);
                    }
                }
                case RETURN -> {
                    step(e, r, Verdict.RETURN, effects);
                    return false;
                }
                case ACCEPT, DROP, REJECT, QUEUE, NAT, TPROXY, UNKNOWN_VERDICT -> {
                    decide(e, r, effects);
                    return true;
                }
                default -> step(e, r, Verdict.CONTINUE, TargetEffects.apply(r.target, e));
            }
        }
        if (!chain.builtin && !(e.entryIsHookChain && chain == e.entry)) {
            e.ctx.steps().add(chain.returnStep(e.hook));
        }
        return false;
    }

    private static void step(Evaluation e, CompiledRule r, Verdict v, List<String> targetEffects) {
        List<String> effects = e.takeMatchEffects(targetEffects);
        e.ctx.steps().add(effects.isEmpty() ? r.step(e.hook, v) : new RuleStep(e.hook, r.ref, v, effects));
    }

    /** Takes the verdict of {@code r}, whose statement (if any) has had {@code effects}, which its step carries. */
    private static void decide(Evaluation e, CompiledRule r, List<String> effects) {
        e.decidingRule = r.decidingRef();
        e.decidingTarget = r.decidingTarget();
        switch (r.kind) {
            case ACCEPT -> setVerdict(e, r, TableVerdict.ACCEPT, Verdict.ACCEPT, effects);
            case DROP -> setVerdict(e, r, TableVerdict.DROP, Verdict.DROP, effects);
            case QUEUE -> setVerdict(e, r, TableVerdict.QUEUE, Verdict.QUEUE, effects);
            case REJECT -> {
                RejectWith with = ((io.pktpath.parser.iptables.target.Reject) r.target).with();
                e.rejectWith = Optional.of(with);
                if (!e.table.equals("filter") && e.table.indexOf(' ') < 0) {
                    e.note(r.ref.label() + ": REJECT outside the filter table is refused by iptables");
                }
                setVerdict(e, r, TableVerdict.REJECT, Verdict.DROP, effects);
            }
            case NAT -> {
                if (e.natChain) {
                    e.nat = Optional.of(new NatRequest(e.hook, r.target, r.ref));
                } else {
                    e.note(r.ref.label() + ": NAT targets outside the nat table are refused by iptables; ACCEPT assumed");
                }
                setVerdict(e, r, TableVerdict.ACCEPT, Verdict.ACCEPT, effects);
            }
            case TPROXY -> {
                List<String> tproxy = TproxyDecision.newEffects();
                boolean accept = TproxyDecision.accept(e, (Tproxy) r.target, tproxy);
                e.verdict = accept ? TableVerdict.ACCEPT : TableVerdict.DROP;
                step(e, r, accept ? Verdict.ACCEPT : Verdict.DROP, tproxy);
            }
            default -> {
                String reason = "cannot be evaluated offline: target " + r.target.render().substring(3);
                boolean accept = e.choose(reason, List.of("ACCEPT", "DROP"), List.of(Double.NaN, Double.NaN)) == 0;
                setVerdict(e, r, accept ? TableVerdict.ACCEPT : TableVerdict.DROP, accept ? Verdict.ACCEPT : Verdict.DROP,
                        effects);
            }
        }
    }

    private static void setVerdict(Evaluation e, CompiledRule r, TableVerdict v, Verdict words, List<String> effects) {
        e.verdict = v;
        step(e, r, words, effects);
    }
}
