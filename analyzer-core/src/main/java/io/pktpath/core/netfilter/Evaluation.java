package io.pktpath.core.netfilter;

import io.pktpath.core.engine.AddrType;
import io.pktpath.core.engine.ChoicePoint;
import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.core.trace.UndecidedStep;
import io.pktpath.parser.net.IpAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The mutable state of one table walk: the packet and ct as targets changed them, the rule being tested, what the walk
 * collected and its outcome so far.
 */
final class Evaluation {
    Hook hook;
    String table;
    /** The context of the walk this evaluation serves (a spare one moves from context to context). */
    WalkContext ctx;
    private StateView state;
    final HitList.Builder hits;
    private Set<String> notes;
    /** What the matches of the rule being tested changed (a recent list), shown on its step when the rule matches. */
    private List<String> matchEffects;
    Packet packet;
    Optional<CtInfo> ct;
    boolean notracked;
    RawEffects raw;
    RuleRef rule;
    /** The walk's outcome so far (the walker sets these). */
    CompiledChain entry;
    boolean entryIsHookChain;
    TableVerdict verdict;
    Optional<io.pktpath.parser.iptables.target.RejectWith> rejectWith;
    Optional<NatRequest> nat;
    Optional<RuleRef> decidingRule;
    Optional<io.pktpath.parser.iptables.target.Target> decidingTarget;
    /** The walk decides a new connection's NAT: iptables' nat table, or a native chain of type nat. */
    boolean natChain;
    private IpAddress typedAddress;
    private Optional<String> typedDevice;
    private Set<AddrType> types;

    Evaluation(Hook hook, String table, Packet packet, Optional<CtInfo> ct, WalkContext ctx, RuleNumbering numbering) {
        this.hits = new HitList.Builder(numbering);
        this.ctx = ctx;
        start(hook, table, packet, ct);
    }

    /**
     * Makes this evaluation the fresh state of a new walk of {@code owner} as the constructor would; only the
     * address-type answers stay when the owner reads the same node facts, as they depend on those alone.
     */
    void restart(WalkContext owner, Hook newHook, String newTable, Packet newPacket, Optional<CtInfo> newCt,
                 RuleNumbering numbering) {
        if (owner.facts() != ctx.facts()) {
            types = null;
        }
        ctx = owner;
        hits.restart(numbering);
        start(newHook, newTable, newPacket, newCt);
    }

    /** The state a walk starts from; the address-type answers are not part of it. */
    private void start(Hook newHook, String newTable, Packet newPacket, Optional<CtInfo> newCt) {
        hook = newHook;
        table = newTable;
        packet = newPacket;
        ct = newCt;
        state = null;
        notes = null;
        matchEffects = null;
        notracked = false;
        raw = RawEffects.NONE;
        rule = null;
        entry = null;
        entryIsHookChain = false;
        natChain = LegacyTables.kernelTable(table).equals("nat");
        verdict = TableVerdict.ACCEPT;
        rejectWith = Optional.empty();
        nat = Optional.empty();
        decidingRule = Optional.empty();
        decidingTarget = Optional.empty();
    }

    /**
     * The node's address types for {@code -m addrtype}, remembered for the last (address, device) asked: a linear scan
     * of a chain whose rules all test {@code --dst-type LOCAL} asks the same question once per rule.
     */
    Set<AddrType> addrTypes(IpAddress address, Optional<String> device) {
        if (types == null || !address.equals(typedAddress) || !device.equals(typedDevice)) {
            types = ctx.facts().addrTypes(address, device);
            typedAddress = address;
            typedDevice = device;
        }
        return types;
    }

    /** The rule state this walk sees (made on first use: most walks test no stateful match). */
    StateView state() {
        if (state == null) {
            state = new StateView(ctx.state());
        }
        return state;
    }

    /** True when a SET target changed an ipset element (committed, or earlier in this walk). */
    boolean ipsetsChanged() {
        return state != null ? state.ipsetsChanged() : ctx.state().ipsetsChanged();
    }

    /** The rule state updates this walk made, in order. */
    List<StateUpdate> stateUpdates() {
        return state == null ? List.of() : state.updates();
    }

    /** Adds an assumption or caveat to the result (each text once, in order). */
    void note(String text) {
        if (notes == null) {
            notes = new LinkedHashSet<>();
        }
        notes.add(text);
    }

    /** Adds a side effect of a match of the rule being tested (shown on the rule's step if the rule matches). */
    void matchEffect(String text) {
        if (matchEffects == null) {
            matchEffects = new java.util.ArrayList<>();
        }
        matchEffects.add(text);
    }

    /** The match side effects of the rule just tested followed by {@code targetEffects}; forgets them. */
    List<String> takeMatchEffects(List<String> targetEffects) {
        if (matchEffects == null) {
            return targetEffects;
        }
        List<String> all = matchEffects;
        matchEffects = null;
        all.addAll(targetEffects);
        return all;
    }

    /** Forgets the match side effects of a rule that did not match (its state changes stay, as in the kernel). */
    void dropMatchEffects() {
        matchEffects = null;
    }

    List<String> notes() {
        return notes == null ? List.of() : List.copyOf(notes);
    }

    /** Asks the oracle to decide an undecidable condition of the current rule and records the decision as a step. */
    int choose(String reason, List<String> outcomes, List<Double> probabilities) {
        ChoicePoint point = new ChoicePoint(rule, reason, outcomes, probabilities);
        int index = ctx.oracle().choose(point);
        if (index < 0 || index >= outcomes.size()) {
            throw new IllegalStateException("oracle chose outcome " + index + " of " + outcomes.size() + " for " + reason);
        }
        ctx.steps().add(new UndecidedStep(hook, rule, reason, outcomes.get(index)));
        return index;
    }

    /**
     * As {@link #choose(String, List, List)} for a random draw, whose choice point and decided steps the draw keeps for
     * its rule ({@link RandomEvaluator#point}, {@link RandomEvaluator#step}): a new connection's walk then reads none of
     * the draw's texts, cold on a large node, to ask the oracle and record the outcome.
     */
    int choose(RandomEvaluator draw) {
        int index = ctx.oracle().choose(draw.point(rule));
        if (index != 0 && index != 1) {
            throw new IllegalStateException("oracle chose outcome " + index + " of 2 for " + draw.reason());
        }
        ctx.steps().add(draw.step(hook, rule, index));
        return index;
    }

    /** Decides a condition that may be true or false with unknown probability; true when the oracle picks "match". */
    boolean chooseUnknown(String reason) {
        return choose(reason, List.of("match", "no match"), List.of(Double.NaN, Double.NaN)) == 0;
    }

    /** The ct the kernel would attach: absent when there is none, the packet is untracked, or its state is INVALID. */
    Optional<CtInfo> trackedCt() {
        if (notracked || ct.isEmpty()) {
            return Optional.empty();
        }
        CtState s = ct.get().state();
        return s == CtState.INVALID || s == CtState.UNTRACKED ? Optional.empty() : ct;
    }

    boolean untracked() {
        return notracked || ct.isPresent() && ct.get().state() == CtState.UNTRACKED;
    }

    /**
     * The input device name as matches see it at this hook: none in OUTPUT; in POSTROUTING the device a forwarded
     * packet came in on, as ip_output and ip6_output hand the hook {@code skb->dev} as its input device (nft's
     * {@code iifname} there is Docker's {@code iifname vmap @nat-postrouting-out-jumps}; iptables refuses {@code -i} in
     * POSTROUTING, so its rules never ask), none for a locally generated packet (its input interface is empty) and none
     * for a bridged frame (the replay clears it: br_netfilter's POSTROUTING is called without an input device).
     */
    String inName() {
        return hook == Hook.OUTPUT ? "" : packet.inIface();
    }

    /** The output device name as matches see it at this hook (none in INGRESS, PREROUTING and INPUT). */
    String outName() {
        return hook == Hook.PREROUTING || hook == Hook.INPUT || hook == Hook.INGRESS ? "" : packet.outIface();
    }

    boolean nonFirstFragment() {
        return packet.fragment() && !packet.firstFragment();
    }
}
