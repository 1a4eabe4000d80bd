package io.pktpath.core.conntrack;

import io.pktpath.core.engine.Packet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Flags pairs of new connections close enough in time that a real kernel could have raced them (§8.1, §8.2). */
final class RaceDetector {
    private RaceDetector() {
    }

    /** §8.2: a SNAT/MASQUERADE/null binding had to leave its port because a ct confirmed within the window held it. */
    static List<RaceEvidence> snatCollisions(Connection ct, CtCandidate c, Packet p, long timeNanos, long window) {
        List<RaceEvidence> out = new ArrayList<>(1);
        c.srcBinding().flatMap(NatBinding::collision).ifPresent(col -> {
            long gap = timeNanos - col.createdNanos();
            if (gap >= 0 && gap <= window) {
                String mine = c.srcBinding().get().detail();
                out.add(new RaceEvidence(RaceEvidence.Kind.SNAT_PORT_COLLISION, col.flowId(), col.firstFrame(), ct.id(),
                        p.frame(), col.original(), ct.original(), col.takenReply(),
                        "flow #" + col.flowId() + ": " + col.theirNat() + " | flow #" + ct.id() + ": " + mine, gap,
                        "flows #" + col.flowId() + " and #" + ct.id() + " wanted the same reply tuple " + col.takenReply()
                                + " " + micros(gap) + " apart: on two CPUs both would have kept the port, and the later"
                                + " would have been dropped at confirmation (insert_failed)"));
            }
        });
        return out;
    }

    /** §8.1: a second unanswered ORIGINAL packet of a non-TCP ct within the window of the ct's first. */
    static Optional<RaceEvidence> sameTuple(Connection ct, CtDirection dir, Packet p, long timeNanos, long window) {
        if (!mayRace(ct, dir, p, timeNanos, window)) {
            return Optional.empty();
        }
        long gap = timeNanos - ct.createdNanos();
        return Optional.of(new RaceEvidence(RaceEvidence.Kind.UDP_SAME_TUPLE, ct.id(), ct.firstFrame(), ct.id(),
                p.frame(), ct.original(), p.tuple(), ct.original(), "first packet: " + natText(ct)
                + " | second packet: would have traversed the nat chains again (choice unknown)", gap,
                "the same tuple " + ct.original() + ", " + micros(gap) + " apart with no reply between: on two CPUs"
                        + " both would have been NEW and raced to confirm"));
    }

    /**
     * §8.1's condition: {@code p} is a later ORIGINAL packet of a non-TCP ct that has seen no reply, within the window of
     * the ct's first packet, so on two CPUs the ct may not have been confirmed yet when {@code p} looked it up.
     */
    static boolean mayRace(Connection ct, CtDirection dir, Packet p, long timeNanos, long window) {
        if (dir != CtDirection.ORIGINAL || ct.seenReply() || ct.isTcp() || ct.fromBundle() || ct.raceFlagged()) {
            return false;
        }
        long gap = timeNanos - ct.createdNanos();
        return gap >= 0 && gap <= window && p.frame() != ct.firstFrame();
    }

    /** §8.1 seen through: the later packet was NEW too, went through nat on its own and met the ct at confirmation. */
    static RaceEvidence clash(Connection first, CtCandidate later, Packet p, long timeNanos, boolean sameNat) {
        long gap = Math.max(0, timeNanos - first.createdNanos());
        String mine = later.dstBinding().or(later::srcBinding).map(b -> b.detail()).orElse("no NAT");
        return new RaceEvidence(RaceEvidence.Kind.UDP_SAME_TUPLE, first.id(), first.firstFrame(), later.id(), p.frame(),
                first.original(), p.tuple(), first.original(), "first packet: " + natText(first) + " | second packet: " + mine,
                gap, "the same tuple " + first.original() + ", " + micros(gap) + " apart, both NEW: the second went"
                + " through nat on its own and met flow #"
                + first.id() + " at confirmation, " + (sameNat ? "with the same NAT (it joined that ct)"
                : "with different NAT (a reply-only clash entry carried it to its own endpoint)"));
    }

    /** The NAT a ct recorded, as its records' details joined by "; ", or "no NAT". */
    private static String natText(Connection ct) {
        return ct.nat().isEmpty() ? "no NAT" : String.join("; ", ct.nat().stream().map(NatRecord::detail).toList());
    }

    private static String micros(long nanos) {
        return nanos / 1000 + " µs";
    }
}
