package io.pktpath.core.conntrack;

import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.trace.ConntrackStep;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.DeferredText;
import io.pktpath.core.trace.Hook;
import java.util.Objects;
import java.util.Optional;

/** The outcome of a conntrack lookup for one packet (§2.3): an existing ct, a new candidate, RELATED, INVALID or UNTRACKED. */
public sealed interface CtLookup {
    CtState state();

    /** What the rules see; absent for INVALID and UNTRACKED packets. */
    Optional<CtInfo> ctInfo();

    /** One sentence for the trace. */
    String detail();

    /** The trace step of this lookup at {@code hook}. */
    ConntrackStep toStep(Hook hook);

    /**
     * The packet belongs to a confirmed ct; {@code tcpBefore}/{@code tcpNext} record the TCP transition it causes
     * ({@code tcpNext} is a {@link TcpState} ordinal, or negative when the state machine ignores the packet or the
     * protocol is not TCP). The detail sentence is built only when asked for.
     */
    record Existing(Connection ct, CtDirection direction, CtState state, CtInfo info, TcpState tcpBefore, int tcpNext)
            implements CtLookup {
        public Existing {
            Objects.requireNonNull(ct, "ct");
            Objects.requireNonNull(direction, "direction");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(info, "info");
            Objects.requireNonNull(tcpBefore, "tcpBefore");
        }

        @Override
        public Optional<CtInfo> ctInfo() {
            return ct.present(direction, info);
        }

        @Override
        public String detail() {
            return LookupDetail.write(ct.id(), ct.isTcp(), direction, state, tcpBefore, tcpNext);
        }

        /** {@link #detail()}, written only when read (a flow keeps the step of each of its transitions while it lives). */
        DeferredText deferredDetail() {
            return new LookupDetail(ct.id(), ct.isTcp(), direction, state, tcpBefore, tcpNext);
        }

        @Override
        public ConntrackStep toStep(Hook hook) {
            return ct.lookupStep(hook, state, direction, tcpBefore, tcpNext, this);
        }
    }

    /** The packet opens a new connection; the candidate is confirmed only if the packet survives to the last hook. */
    record Created(CtCandidate candidate, CtInfo info, String detail) implements CtLookup {
        public Created {
            Objects.requireNonNull(candidate, "candidate");
            Objects.requireNonNull(info, "info");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public CtState state() {
            return CtState.NEW;
        }

        @Override
        public Optional<CtInfo> ctInfo() {
            return Optional.of(info);
        }

        @Override
        public ConntrackStep toStep(Hook hook) {
            return new ConntrackStep(hook, CtState.NEW, false, true, candidate.id(), detail);
        }
    }

    /** An ICMP/ICMPv6 error quoting a packet of a known ct (§2.7); {@code direction} is the error's own. */
    record Related(Connection ct, CtDirection direction, CtInfo info, String detail) implements CtLookup {
        public Related {
            Objects.requireNonNull(ct, "ct");
            Objects.requireNonNull(direction, "direction");
            Objects.requireNonNull(info, "info");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public CtState state() {
            return CtState.RELATED;
        }

        @Override
        public Optional<CtInfo> ctInfo() {
            return Optional.of(info);
        }

        @Override
        public ConntrackStep toStep(Hook hook) {
            return new ConntrackStep(hook, CtState.RELATED, direction == CtDirection.REPLY, false, ct.id(), detail);
        }
    }

    /**
     * The packet carries the ct of the packet that caused it, as the kernel attaches the dropped packet's ct to the TCP
     * reset REJECT sends and to the ICMP error the node sends for it (nf_ct_attach; RELATED, here in the reply
     * direction): conntrack looks nothing up and counts nothing; {@code candidate} is that ct when it was a new one,
     * never confirmed, whose nat chains run only for the bindings the dropped packet did not reach.
     */
    record Attached(Optional<CtCandidate> candidate, CtInfo info, long causedBy, String detail) implements CtLookup {
        public Attached {
            Objects.requireNonNull(candidate, "candidate");
            Objects.requireNonNull(info, "info");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public CtState state() {
            return CtState.RELATED;
        }

        @Override
        public Optional<CtInfo> ctInfo() {
            return Optional.of(info);
        }

        @Override
        public ConntrackStep toStep(Hook hook) {
            return new ConntrackStep(hook, CtState.RELATED, info.replyDirection(), false, info.flowId(), detail);
        }
    }

    /**
     * The packet keeps the confirmed ct it was sent with, as a packet the node sends to itself over lo does on its way
     * in (nf_conntrack_in returns early for an skb that has a ct): no lookup, no TCP step, nothing counted, and no nat
     * rules (its bindings were made on the way out); {@code info} is what the rules see, the state it was sent with.
     */
    record Kept(Connection ct, CtDirection direction, CtInfo info, String detail) implements CtLookup {
        public Kept {
            Objects.requireNonNull(ct, "ct");
            Objects.requireNonNull(direction, "direction");
            Objects.requireNonNull(info, "info");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public CtState state() {
            return info.state();
        }

        @Override
        public Optional<CtInfo> ctInfo() {
            return Optional.of(info);
        }

        @Override
        public ConntrackStep toStep(Hook hook) {
            return new ConntrackStep(hook, info.state(), direction == CtDirection.REPLY, false, ct.id(), detail);
        }
    }

    /** No ct could be attached; {@code detail} says why in one sentence. */
    record Invalid(String detail) implements CtLookup {
        public Invalid {
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public CtState state() {
            return CtState.INVALID;
        }

        @Override
        public Optional<CtInfo> ctInfo() {
            return Optional.empty();
        }

        @Override
        public ConntrackStep toStep(Hook hook) {
            return new ConntrackStep(hook, CtState.INVALID, false, false, 0, detail);
        }
    }

    /** Conntrack never tracks this packet (ICMPv6 neighbour discovery and MLD). */
    record Untracked(String detail) implements CtLookup {
        public Untracked {
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public CtState state() {
            return CtState.UNTRACKED;
        }

        @Override
        public Optional<CtInfo> ctInfo() {
            return Optional.empty();
        }

        @Override
        public ConntrackStep toStep(Hook hook) {
            return new ConntrackStep(hook, CtState.UNTRACKED, false, false, 0, detail);
        }
    }

    /** The sentence of an existing ct's lookup, from the values it is made of (no reference to the lookup kept). */
    final class LookupDetail extends DeferredText {
        private final long id;
        private final boolean tcp;
        private final CtDirection direction;
        private final CtState state;
        private final TcpState tcpBefore;
        private final int tcpNext;

        LookupDetail(long id, boolean tcp, CtDirection direction, CtState state, TcpState tcpBefore, int tcpNext) {
            this.id = id;
            this.tcp = tcp;
            this.direction = direction;
            this.state = state;
            this.tcpBefore = tcpBefore;
            this.tcpNext = tcpNext;
        }

        @Override
        protected String write() {
            return write(id, tcp, direction, state, tcpBefore, tcpNext);
        }

        static String write(long id, boolean tcp, CtDirection direction, CtState state, TcpState tcpBefore,
                            int tcpNext) {
            // one concatenation per sentence: a TCP connection's transitions make several, and each is a new string
            if (!tcp) {
                return "flow #" + id + " " + direction.name()
                        + (direction == CtDirection.ORIGINAL && state == CtState.NEW ? " (no reply seen yet)" : "");
            }
            return tcpNext < 0
                    ? "flow #" + id + " " + direction.name() + " (TCP " + tcpBefore + ", packet ignored by the state machine)"
                    : "flow #" + id + " " + direction.name() + " (TCP " + tcpBefore + " -> " + TcpState.of(tcpNext) + ")";
        }
    }
}
