package io.pktpath.core.conntrack;

import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Tuple;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A new, unconfirmed ct (§2.4) as a value: the tuples, the TCP state its first packet gives, the mark, the NAT bindings
 * fixed so far and the closing ct a SYN reopens. Walks build new values with {@code with*}; only
 * {@link ConntrackTable#confirm} makes it real.
 */
public record CtCandidate(long id, int zone, Tuple original, Tuple reply, int icmpRequestType, TcpState tcpState,
                          boolean pickup, long mark, Optional<NatBinding> dstBinding, Optional<NatBinding> srcBinding,
                          Optional<Connection> replaces) implements TrackedFlow {
    public CtCandidate {
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(reply, "reply");
        Objects.requireNonNull(tcpState, "tcpState");
        Objects.requireNonNull(dstBinding, "dstBinding");
        Objects.requireNonNull(srcBinding, "srcBinding");
        Objects.requireNonNull(replaces, "replaces");
    }

    /** True until a binding of this kind is fixed: the nat chains of that hook must run (§2.5). */
    public boolean needsBinding(NatManip manip) {
        return (manip == NatManip.DST ? dstBinding : srcBinding).isEmpty();
    }

    /** This candidate with {@code binding} fixed and its reply tuple rewritten. */
    public CtCandidate withBinding(NatBinding binding) {
        if (!binding.replyBefore().equals(reply)) {
            throw new IllegalArgumentException("binding computed for reply " + binding.replyBefore() + ", candidate has " + reply);
        }
        Optional<NatBinding> b = Optional.of(binding);
        return binding.manip() == NatManip.DST
                ? new CtCandidate(id, zone, original, binding.replyAfter(), icmpRequestType, tcpState, pickup, mark, b,
                        srcBinding, replaces)
                : new CtCandidate(id, zone, original, binding.replyAfter(), icmpRequestType, tcpState, pickup, mark,
                        dstBinding, b, replaces);
    }

    /** This candidate with a new ct mark (CONNMARK on the first packet). */
    public CtCandidate withMark(long newMark) {
        return new CtCandidate(id, zone, original, reply, icmpRequestType, tcpState, pickup, newMark & 0xffffffffL,
                dstBinding, srcBinding, replaces);
    }

    /** What the rules see: state NEW, ORIGINAL direction, not confirmed. */
    public CtInfo ctInfo(long expiresSeconds) {
        return new CtInfo(CtState.NEW, false, mark, Set.of(), original, Optional.of(reply), zone, expiresSeconds, id);
    }
}
