package io.pktpath.core.replay;

import io.pktpath.core.conntrack.CtCandidate;
import io.pktpath.core.conntrack.CtLookup;
import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.ChoicePoint;
import io.pktpath.core.engine.ConntrackFacts;
import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.NodeFacts;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.netfilter.RuleState;
import io.pktpath.core.netfilter.TableResult;
import io.pktpath.core.netfilter.WalkContext;
import io.pktpath.core.netfilter.WalkPool;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.DeferredText;
import io.pktpath.core.trace.RouteDecision;
import io.pktpath.core.trace.RuleMiss;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.core.trace.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The mutable scratch state of ONE side-effect-free run of a packet through the node: the packet as it is now, its
 * conntrack outcome and candidate, the steps and misses so far, the table results to commit, and the end.
 */
final class RunState implements ChoiceOracle {
    private static final int STEPS = 32;
    /** The oracle the run asks: this state itself, which counts the questions ({@link #oracleAsked}) for its own. */
    final ChoiceOracle oracle;
    private final ChoiceOracle own;
    final boolean collectMisses;
    /** Sized for a whole forwarded path (about 30 steps), so that it is not regrown on the way. */
    final List<TraceStep> steps = new ArrayList<>(STEPS);
    final List<RuleMiss> misses = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    final List<TableResult> tables = new ArrayList<>();
    final Tuple before;
    Packet packet;
    CtLookup lookup;
    CtCandidate candidate;
    Optional<CtInfo> ct = Optional.empty();
    boolean masquerade;
    Optional<RouteDecision> route = Optional.empty();
    Optional<Egress> egress = Optional.empty();
    Disposition disposition;
    DeferredText reason;
    boolean confirm;
    /**
     * For a packet looped over lo, the conntrack state it was sent with (null otherwise): it keeps it on its way in, and
     * NOTRACK in raw PREROUTING no longer changes it.
     */
    io.pktpath.core.trace.CtState sentWith;
    /** For a packet looped over lo, the confirmed ct it was sent with (null when it had none): PREROUTING keeps it. */
    io.pktpath.core.conntrack.CtLookup.Kept kept;
    /**
     * The egress MTU a forwarded run passed ip_forward's checks with (0 when unknown), -1 when the run did not reach
     * them: a remembered path is valid only for packets that pass them too ({@link SteadyPaths}).
     */
    int forwardedWithMtu = -1;
    /**
     * True when the run left on the device it came in on and the route marked it for ip_forward's ICMP redirect (the
     * rate limit makes the run depend on earlier packets: it is never remembered for reuse); {@code redirect} is the
     * redirect it sent, and {@code redirectDecision} the rate limit's decision its commit applies (null when the route
     * marked none).
     */
    boolean redirectChecked;
    Optional<io.pktpath.core.trace.IcmpRedirect> redirect = Optional.empty();
    IcmpRedirects.Decision redirectDecision;
    /** How many times this run asked the oracle (a run that asked cannot be reused for another packet). */
    int oracleAsked;
    /**
     * For a datagram nf_defrag reassembled, the fragment that completed it (null otherwise): that fragment, not the
     * datagram, walked the ingress chains, which run before defragmentation.
     */
    Packet ingressAs;
    private WalkContext walkContext;

    RunState(Packet packet, ChoiceOracle oracle, boolean collectMisses) {
        this.packet = packet;
        this.before = packet.tuple();
        this.own = oracle;
        this.oracle = this;
        this.collectMisses = collectMisses;
    }

    /** Asks the run's own oracle, counting the question. */
    @Override
    public int choose(ChoicePoint point) {
        oracleAsked++;
        return own.choose(point);
    }

    /** What every table walk of this run consults and reports to (the same for all of them), made at the first. */
    WalkContext walkContext(NodeFacts facts, ConntrackFacts conntrack, RuleState ruleState, WalkPool pool) {
        if (walkContext == null) {
            walkContext = new WalkContext(facts, conntrack, oracle, ruleState, steps, collectMisses, misses, pool);
        }
        return walkContext;
    }

    boolean ended() {
        return disposition != null;
    }

    void end(Disposition d, String why) {
        if (disposition == null) {
            disposition = d;
            reason = DeferredText.of(why);
        }
    }

    /** How a run ended: its disposition and sentence. */
    record Ending(Disposition disposition, DeferredText reason) {
    }

    /**
     * Clears the run's end and returns it: one clone of a packet the bridge flooded ended, and the run goes on with
     * the next clone ({@code KernelNodePath.flooded}).
     */
    Ending takeEnd() {
        Ending ended = new Ending(disposition, reason);
        disposition = null;
        reason = null;
        return ended;
    }

    /** Ends the run with a sentence written when read ({@link LeavingSentence}). */
    void end(Disposition d, DeferredText why) {
        if (disposition == null) {
            disposition = d;
            reason = why;
        }
    }
}
