package io.pktpath.core.conntrack;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.DeferredText;
import io.pktpath.core.trace.NatKind;
import io.pktpath.core.trace.NatStep;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.core.trace.Tuple;
import java.util.Objects;
import java.util.Optional;

/**
 * The NAT binding a nat chain fixed for a new connection (§2.5): which side, the kind and rule (none for a null
 * binding), the reply tuple before and after, a detail sentence, whether the kernel's choice is unknown to the replay
 * (random ports, the hidden source-port rewrite), whether the kernel drops the packet instead, and the confirmed flow
 * whose reply tuple forced a different port (race evidence, §8.2).
 */
public record NatBinding(NatManip manip, NatKind kind, Optional<RuleRef> rule, Tuple replyBefore, Tuple replyAfter,
                         DeferredText detailText, boolean nullBinding, boolean valueUnknown, boolean drops,
                         Optional<Collision> collision) {
    /**
     * Where a random port's detail says which port the replay put in the kernel's place; what follows it is replaced
     * by where the real one was taken from when the capture or a {@code conntrack -L} shows it.
     */
    public static final String SHOWN_AS = "shown as ";

    /** The confirmed flow that owned the reply tuple this binding wanted first. */
    public record Collision(long flowId, long firstFrame, long createdNanos, Tuple original, Tuple takenReply,
                            String theirNat) {
        public Collision {
            Objects.requireNonNull(original, "original");
            Objects.requireNonNull(takenReply, "takenReply");
            Objects.requireNonNull(theirNat, "theirNat");
        }
    }

    public NatBinding {
        Objects.requireNonNull(manip, "manip");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(replyBefore, "replyBefore");
        Objects.requireNonNull(replyAfter, "replyAfter");
        Objects.requireNonNull(detailText, "detailText");
        Objects.requireNonNull(collision, "collision");
    }

    /** A binding whose sentence is given written. */
    public NatBinding(NatManip manip, NatKind kind, Optional<RuleRef> rule, Tuple replyBefore, Tuple replyAfter,
                      String detail, boolean nullBinding, boolean valueUnknown, boolean drops,
                      Optional<Collision> collision) {
        this(manip, kind, rule, replyBefore, replyAfter, DeferredText.of(detail), nullBinding, valueUnknown, drops,
                collision);
    }

    /**
     * The sentence of detail (written when first read: a new connection's walk binds NAT for every branch of a random
     * choice, and only the one that happened is confirmed).
     */
    public String detail() {
        return detailText.toString();
    }

    /** The packet's tuple (original direction) before this binding. */
    public Tuple before() {
        return Tuples.invert(replyBefore);
    }

    /** The packet's tuple (original direction) after this binding. */
    public Tuple after() {
        return Tuples.invert(replyAfter);
    }

    public boolean changed() {
        return !replyBefore.equals(replyAfter);
    }

    /** The first packet rewritten by this binding. */
    public Packet rewrite(Packet p) {
        if (!changed()) {
            return p;
        }
        return p.withTuple(Tuples.manip(p.tuple(), manip, after()));
    }

    /** The trace step for this binding at {@code hook}. */
    public NatStep toStep(Hook hook) {
        return new NatStep(hook, kind, before(), after(), rule, detailText);
    }

    /** The record the flows view keeps. */
    public NatRecord toRecord() {
        return new NatRecord(kind, rule, detail());
    }
}
