package io.pktpath.core.netfilter;

import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.ConntrackFacts;
import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.NodeFacts;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.RuleMiss;
import io.pktpath.core.trace.TraceStep;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one table walk may consult and where it reports: node facts, the conntrack table (read only), the oracle for
 * undecidable matches, the committed rule state (read only), the step sink, and (when {@code collectMisses}) the sink
 * for rules that did not match.
 * The sinks are the caller's mutable lists; the walk only appends to them.
 */
public final class WalkContext {
    private final NodeFacts facts;
    private final ConntrackFacts conntrack;
    private final ChoiceOracle oracle;
    private final RuleState state;
    private final List<TraceStep> steps;
    private final boolean collectMisses;
    private final List<RuleMiss> misses;
    /** Where the evaluation of the last walk waits for the next (this context's own, or its replay's shared pool). */
    private final WalkPool pool;

    /** A context without a conntrack table to read ({@link ConntrackFacts#NONE}). */
    public WalkContext(NodeFacts facts, ChoiceOracle oracle, RuleState state, List<TraceStep> steps,
                       boolean collectMisses, List<RuleMiss> misses) {
        this(facts, ConntrackFacts.NONE, oracle, state, steps, collectMisses, misses);
    }

    public WalkContext(NodeFacts facts, ConntrackFacts conntrack, ChoiceOracle oracle, RuleState state,
                       List<TraceStep> steps, boolean collectMisses, List<RuleMiss> misses) {
        this(facts, conntrack, oracle, state, steps, collectMisses, misses, new WalkPool());
    }

    /** A context whose walks take their evaluation state from {@code pool}, shared with the other runs of a replay. */
    public WalkContext(NodeFacts facts, ConntrackFacts conntrack, ChoiceOracle oracle, RuleState state,
                       List<TraceStep> steps, boolean collectMisses, List<RuleMiss> misses, WalkPool pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.facts = Objects.requireNonNull(facts, "facts");
        this.conntrack = Objects.requireNonNull(conntrack, "conntrack");
        this.oracle = Objects.requireNonNull(oracle, "oracle");
        this.state = Objects.requireNonNull(state, "state");
        this.steps = Objects.requireNonNull(steps, "steps");
        this.collectMisses = collectMisses;
        this.misses = Objects.requireNonNull(misses, "misses");
    }

    public NodeFacts facts() {
        return facts;
    }

    /** The replay's conntrack table as matches may read it (connlimit). */
    public ConntrackFacts conntrack() {
        return conntrack;
    }

    public ChoiceOracle oracle() {
        return oracle;
    }

    public RuleState state() {
        return state;
    }

    public List<TraceStep> steps() {
        return steps;
    }

    public boolean collectMisses() {
        return collectMisses;
    }

    public List<RuleMiss> misses() {
        return misses;
    }

    /** The evaluation state of a new walk: the pool's spare one made fresh for this context, or a new one. */
    Evaluation evaluation(Hook hook, String table, Packet packet, Optional<CtInfo> ct, RuleNumbering numbering) {
        Evaluation e = pool.spare;
        if (e == null) {
            return new Evaluation(hook, table, packet, ct, this, numbering);
        }
        pool.spare = null;
        e.restart(this, hook, table, packet, ct, numbering);
        return e;
    }

    /** Takes back the evaluation of a finished walk (whose result holds nothing of it) for the next walk. */
    void release(Evaluation e) {
        pool.spare = e;
    }
}
