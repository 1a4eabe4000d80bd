package io.pktpath.core.engine;

import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Tuple;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the rules can see of a packet's conntrack entry: its state and direction, the ct mark, status bits, the original
 * and reply tuples (the reply tuple already rewritten by NAT once bound), zone, remaining timeout, and the replay's flow
 * id. Absent (no ct) for untracked packets and when conntrack is off. {@code -m conntrack --ctstate DNAT} is true when the
 * reply source differs from the original destination, SNAT when the reply destination differs from the original source.
 */
public record CtInfo(CtState state, boolean replyDirection, long ctMark, Set<CtStatus> status, Tuple original,
                     Optional<Tuple> reply, int zone, long expiresSeconds, long flowId) {
    public CtInfo {
        Objects.requireNonNull(state, "state");
        status = Set.copyOf(status);
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(reply, "reply");
    }

    public boolean isDnat() {
        return reply.isPresent() && !(reply.get().src().equals(original.dst()) && reply.get().sport() == original.dport());
    }

    public boolean isSnat() {
        return reply.isPresent() && !(reply.get().dst().equals(original.src()) && reply.get().dport() == original.sport());
    }

    /** This info with ct mark {@code mark} (32 bits); this same info when the mark is already that. */
    public CtInfo withCtMark(long mark) {
        if ((mark & 0xffffffffL) == ctMark) {
            return this;
        }
        return new CtInfo(state, replyDirection, mark & 0xffffffffL, status, original, reply, zone, expiresSeconds, flowId);
    }
}
