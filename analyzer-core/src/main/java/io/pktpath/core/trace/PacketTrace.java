package io.pktpath.core.trace;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the replay concluded about one captured frame: the packet, how it was replayed, its full path of typed
 * steps, the final disposition with a sentence a person can read, the NAT and route, the frames of the same packet seen
 * elsewhere, the alternatives where the capture could not decide, the rules that missed (on request), assumptions made,
 * for a frame that completed or carries a fragmented datagram, the whole datagram the hooks saw, and for an overlay's
 * frame, its tie to the tunnel frame that carries it or the frame it carries. The reason of a whole packet's egress copy
 * may be left to its fields ({@code reasonText} null), as half the frames of a node's capture are such copies, and a
 * leaving packet's is a {@link DeferredText} written when read: {@link #reason()} writes either when asked. A forwarded
 * packet that left on the interface it came in on carries the ICMP redirect the kernel sent its source. The datagram,
 * the tunnel tie and the redirect are few frames' {@link TraceAttachments}, one shared empty object for the others.
 */
public record PacketTrace(PacketSummary packet, FrameRole role, List<TraceStep> path, Disposition disposition,
                          DeferredText reasonText, Optional<NatChange> nat, Optional<RouteDecision> route,
                          List<Long> correlated, List<Alternative> alternatives, List<RuleMiss> misses, List<String> notes,
                          long flowId, TraceAttachments attachments) {
    public PacketTrace {
        Objects.requireNonNull(packet, "packet");
        Objects.requireNonNull(role, "role");
        path = JoinedList.immutable(path);
        Objects.requireNonNull(disposition, "disposition");
        Objects.requireNonNull(nat, "nat");
        Objects.requireNonNull(route, "route");
        correlated = correlated instanceof OneFrame ? correlated : List.copyOf(correlated);
        Objects.requireNonNull(attachments, "attachments");
        if (reasonText == null && (role != FrameRole.EGRESS_COPY || correlated.size() != 1
                || attachments.reassembled().isPresent())) {
            throw new NullPointerException("reason");
        }
        alternatives = List.copyOf(alternatives);
        misses = JoinedList.immutable(misses);
        notes = List.copyOf(notes);
    }

    /** A trace with each rare attachment given apart (empty ones share {@link TraceAttachments#NONE}). */
    public PacketTrace(PacketSummary packet, FrameRole role, List<TraceStep> path, Disposition disposition,
                       DeferredText reasonText, Optional<NatChange> nat, Optional<RouteDecision> route,
                       List<Long> correlated, List<Alternative> alternatives, List<RuleMiss> misses, List<String> notes,
                       long flowId, Optional<Reassembled> reassembled, Optional<TunnelTie> tunnel,
                       Optional<IcmpRedirect> redirect) {
        this(packet, role, path, disposition, reasonText, nat, route, correlated, alternatives, misses, notes, flowId,
                TraceAttachments.of(reassembled, tunnel, redirect));
    }

    /** A trace of a packet that caused no ICMP redirect. */
    public PacketTrace(PacketSummary packet, FrameRole role, List<TraceStep> path, Disposition disposition,
                       DeferredText reasonText, Optional<NatChange> nat, Optional<RouteDecision> route,
                       List<Long> correlated, List<Alternative> alternatives, List<RuleMiss> misses, List<String> notes,
                       long flowId, Optional<Reassembled> reassembled, Optional<TunnelTie> tunnel) {
        this(packet, role, path, disposition, reasonText, nat, route, correlated, alternatives, misses, notes, flowId,
                reassembled, tunnel, Optional.empty());
    }

    /** A trace whose sentence is given as text (null: an egress copy's, left to its fields). */
    public PacketTrace(PacketSummary packet, FrameRole role, List<TraceStep> path, Disposition disposition,
                       String reason, Optional<NatChange> nat, Optional<RouteDecision> route, List<Long> correlated,
                       List<Alternative> alternatives, List<RuleMiss> misses, List<String> notes, long flowId,
                       Optional<Reassembled> reassembled, Optional<TunnelTie> tunnel) {
        this(packet, role, path, disposition, text(reason), nat, route, correlated, alternatives, misses, notes, flowId,
                reassembled, tunnel);
    }

    /** A trace with no tie to a tunnel. */
    public PacketTrace(PacketSummary packet, FrameRole role, List<TraceStep> path, Disposition disposition,
                       DeferredText reasonText, Optional<NatChange> nat, Optional<RouteDecision> route,
                       List<Long> correlated, List<Alternative> alternatives, List<RuleMiss> misses, List<String> notes,
                       long flowId, Optional<Reassembled> reassembled) {
        this(packet, role, path, disposition, reasonText, nat, route, correlated, alternatives, misses, notes, flowId,
                reassembled, Optional.empty());
    }

    /** A trace with no tie to a tunnel, its sentence given as text. */
    public PacketTrace(PacketSummary packet, FrameRole role, List<TraceStep> path, Disposition disposition,
                       String reason, Optional<NatChange> nat, Optional<RouteDecision> route, List<Long> correlated,
                       List<Alternative> alternatives, List<RuleMiss> misses, List<String> notes, long flowId,
                       Optional<Reassembled> reassembled) {
        this(packet, role, path, disposition, text(reason), nat, route, correlated, alternatives, misses, notes, flowId,
                reassembled, Optional.empty());
    }

    /** A trace of a frame that is a whole packet (no reassembled datagram). */
    public PacketTrace(PacketSummary packet, FrameRole role, List<TraceStep> path, Disposition disposition,
                       DeferredText reasonText, Optional<NatChange> nat, Optional<RouteDecision> route,
                       List<Long> correlated, List<Alternative> alternatives, List<RuleMiss> misses, List<String> notes,
                       long flowId) {
        this(packet, role, path, disposition, reasonText, nat, route, correlated, alternatives, misses, notes, flowId,
                TraceAttachments.NONE);
    }

    /** A trace of a frame that is a whole packet, its sentence given as text. */
    public PacketTrace(PacketSummary packet, FrameRole role, List<TraceStep> path, Disposition disposition,
                       String reason, Optional<NatChange> nat, Optional<RouteDecision> route, List<Long> correlated,
                       List<Alternative> alternatives, List<RuleMiss> misses, List<String> notes, long flowId) {
        this(packet, role, path, disposition, text(reason), nat, route, correlated, alternatives, misses, notes, flowId,
                TraceAttachments.NONE);
    }

    private static DeferredText text(String reason) {
        return reason == null ? null : DeferredText.of(reason);
    }

    /**
     * The sentence a person reads for the disposition; for a whole packet's egress copy whose reason was left to its
     * fields, {@code the packet of frame N leaving on IFACE[ after NAT]}.
     */
    public String reason() {
        if (reasonText != null) {
            return reasonText.toString();
        }
        StringBuilder sb = new StringBuilder(64).append("the packet of frame ").append(correlated.get(0))
                .append(" leaving on ").append(packet.iface().isEmpty() ? "its output interface" : packet.iface());
        return (nat.isPresent() && nat.get().changed() ? sb.append(" after NAT") : sb).toString();
    }

    /** This trace tied to a tunnel by {@code tie}. */
    public PacketTrace withTunnel(TunnelTie tie) {
        return new PacketTrace(packet, role, path, disposition, reasonText, nat, route, correlated, alternatives, misses,
                notes, flowId, new TraceAttachments(attachments.reassembled(), Optional.of(tie), attachments.redirect()));
    }

    /** For a frame that completed or carries a fragmented datagram, the whole datagram the hooks saw. */
    public Optional<Reassembled> reassembled() {
        return attachments.reassembled();
    }

    /** For an overlay's frame, its tie to the tunnel frame that carries it or the frame it carries. */
    public Optional<TunnelTie> tunnel() {
        return attachments.tunnel();
    }

    /** For a forwarded packet that left on the interface it came in on, the ICMP redirect the kernel sent its source. */
    public Optional<IcmpRedirect> redirect() {
        return attachments.redirect();
    }

    /**
     * The packet the hooks saw: the reassembled datagram when this frame completed (or first carried) one, else the
     * frame's own packet.
     */
    public PacketSummary datagram() {
        Optional<Reassembled> r = attachments.reassembled();
        return r.isPresent() ? r.get().datagram() : packet;
    }

    /**
     * The frame that chose among the {@link #alternatives} (its egress copy, or this frame as it left), as the path's
     * undecided steps name it; empty when no frame did and the first branch in rule order was followed.
     */
    public String decidedBy() {
        for (int i = 0; i < path.size(); i++) {
            if (path.get(i) instanceof UndecidedStep u && !u.decidedBy().isEmpty()) {
                return u.decidedByCapture() ? u.decidedBy() : "";
            }
        }
        return "";
    }

    /**
     * The alternative that happened when a frame decided ({@link #decidedBy}): the one with this trace's NAT and
     * disposition; empty when no frame decided, or none or several alternatives fit.
     */
    public Optional<Alternative> happened() {
        if (decidedBy().isEmpty()) {
            return Optional.empty();
        }
        Alternative found = null;
        for (Alternative a : alternatives) {
            if (a.disposition() == disposition && a.nat().equals(nat)) {
                if (found != null) {
                    return Optional.empty();
                }
                found = a;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Exactly the steps the kernel's TRACE would print for this packet: matched rules and applied policies, in order. */
    public List<TraceStep> kernelSteps() {
        return path.stream().filter(TraceStep::isKernelTraceStep).toList();
    }

    /**
     * The path's first conntrack step (the lookup), or null when the packet met none; asked of every frame by the
     * findings and the JSON writer, so it allocates nothing.
     */
    public ConntrackStep firstConntrackStep() {
        if (path instanceof JoinedList<TraceStep> joined) {
            // a path is a joined list (a remembered path), a frozen list or an immutable list: too many classes for
            // one call site to call directly, so a joined list, the commonest, is read through its own class
            for (int i = 0; i < joined.size(); i++) {
                if (joined.get(i) instanceof ConntrackStep c) {
                    return c;
                }
            }
            return null;
        }
        for (int i = 0; i < path.size(); i++) {
            if (path.get(i) instanceof ConntrackStep c) {
                return c;
            }
        }
        return null;
    }

    /**
     * The path's neighbor step, or null when it has none: a path resolves at most one next hop, in POSTROUTING near its
     * end, so the path is searched from the end (asked of every frame by the findings; allocates nothing).
     */
    public NeighborStep neighborStep() {
        if (path instanceof JoinedList<TraceStep> joined) {
            // read through its class, as in firstConntrackStep
            for (int i = joined.size() - 1; i >= 0; i--) {
                if (joined.get(i) instanceof NeighborStep n) {
                    return n;
                }
            }
            return null;
        }
        for (int i = path.size() - 1; i >= 0; i--) {
            if (path.get(i) instanceof NeighborStep n) {
                return n;
            }
        }
        return null;
    }

    /** The rule step that decided the disposition (the last terminal rule or policy), if any. */
    public Optional<TraceStep> decisiveStep() {
        // the kernel steps are exactly the rule and policy steps, which are the only ones tested below: the path is
        // searched as it is, without making the filtered list (a renderer asks this of every frame)
        for (int i = path.size() - 1; i >= 0; i--) {
            TraceStep s = path.get(i);
            if (s instanceof PolicyStep) {
                return Optional.of(s);
            }
            if (s instanceof RuleStep r && r.verdict().kind() != Verdict.Kind.CONTINUE
                    && r.verdict().kind() != Verdict.Kind.JUMP && r.verdict().kind() != Verdict.Kind.GOTO
                    && r.verdict().kind() != Verdict.Kind.RETURN) {
                if (disposition.isFailure() || r.verdict().kind() != Verdict.Kind.ACCEPT) {
                    return Optional.of(s);
                }
            }
        }
        return Optional.empty();
    }
}
