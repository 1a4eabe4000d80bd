package io.pktpath.core.replay;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.IcmpRedirect;
import io.pktpath.core.trace.JoinedList;
import io.pktpath.core.trace.NatChange;
import io.pktpath.core.trace.DeferredText;
import io.pktpath.core.trace.RouteDecision;
import io.pktpath.core.trace.RuleMiss;
import io.pktpath.core.trace.TraceStep;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One side-effect-free run of a packet through the node: the typed steps, the disposition and its reason, the NAT, the
 * route, where the packet leaves (for matching the capture's egress copy), misses, notes, the flow id, an opaque
 * commit token the {@link NodePath} applies when this run is the one that happened, and the packet's fwmark when the run
 * ended (a tunnel device's encapsulated packet, or a decapsulated one, starts with it), and the ICMP redirect the run
 * sent (a packet forwarded out of the interface it came in on). The fwmark, 32 bits in the kernel, is kept as its
 * {@code markBits} (so that a run, made for every frame, takes 8 bytes less) and read as an unsigned {@link #mark}.
 */
public record PathRun(List<TraceStep> steps, Disposition disposition, DeferredText reasonText, Optional<NatChange> nat,
                      Optional<RouteDecision> route, Optional<Egress> egress, List<RuleMiss> misses, List<String> notes,
                      long flowId, Object commitToken, int markBits, Optional<IcmpRedirect> redirect) {
    public PathRun {
        steps = JoinedList.immutable(steps);
        Objects.requireNonNull(disposition, "disposition");
        Objects.requireNonNull(reasonText, "reasonText");
        Objects.requireNonNull(nat, "nat");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(egress, "egress");
        misses = JoinedList.immutable(misses);
        notes = JoinedList.immutable(notes);
        Objects.requireNonNull(redirect, "redirect");
    }

    /** A run with its fwmark as the kernel's 32-bit value (0 to 0xffffffff). */
    public PathRun(List<TraceStep> steps, Disposition disposition, DeferredText reasonText, Optional<NatChange> nat,
                   Optional<RouteDecision> route, Optional<Egress> egress, List<RuleMiss> misses, List<String> notes,
                   long flowId, Object commitToken, long mark, Optional<IcmpRedirect> redirect) {
        this(steps, disposition, reasonText, nat, route, egress, misses, notes, flowId, commitToken, markBits(mark),
                redirect);
    }

    /** A run that sent no ICMP redirect. */
    public PathRun(List<TraceStep> steps, Disposition disposition, DeferredText reasonText, Optional<NatChange> nat,
                   Optional<RouteDecision> route, Optional<Egress> egress, List<RuleMiss> misses, List<String> notes,
                   long flowId, Object commitToken, long mark) {
        this(steps, disposition, reasonText, nat, route, egress, misses, notes, flowId, commitToken, mark,
                Optional.empty());
    }

    /** A run whose sentence is given as text. */
    public PathRun(List<TraceStep> steps, Disposition disposition, String reason, Optional<NatChange> nat,
                   Optional<RouteDecision> route, Optional<Egress> egress, List<RuleMiss> misses, List<String> notes,
                   long flowId, Object commitToken, long mark) {
        this(steps, disposition, DeferredText.of(reason), nat, route, egress, misses, notes, flowId, commitToken, mark);
    }

    /** This run with the ICMP redirect it sent. */
    public PathRun withRedirect(Optional<IcmpRedirect> sent) {
        return new PathRun(steps, disposition, reasonText, nat, route, egress, misses, notes, flowId, commitToken,
                markBits, sent);
    }

    /** The packet's fwmark when the run ended, unsigned. */
    public long mark() {
        return Integer.toUnsignedLong(markBits);
    }

    private static int markBits(long mark) {
        if (mark < 0 || mark > 0xffffffffL) {
            throw new IllegalArgumentException("a fwmark is 32 bits: " + mark);
        }
        return (int) mark;
    }

    /** The sentence a person reads for the disposition. */
    public String reason() {
        return reasonText.toString();
    }
}
