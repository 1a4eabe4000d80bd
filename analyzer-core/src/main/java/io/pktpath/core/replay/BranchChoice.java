package io.pktpath.core.replay;

import io.pktpath.core.trace.Tuple;
import io.pktpath.core.trace.UndecidedStep;
import java.util.List;
import java.util.Optional;

/**
 * Which branch of a packet's run happened, what decided it (empty when nothing had to), the egress frame that showed it
 * (null when none), the tuple it left with when that differs from the prediction only by a source port the kernel chose
 * (null otherwise), and the frame of another connection that took its tuple first (0 when none); with the rules that
 * match a branch to a frame seen leaving.
 */
record BranchChoice(int index, String decidedBy, CapturedPacket egress, Tuple observed, long lostTo) {
    BranchChoice(int index, String decidedBy, CapturedPacket egress) {
        this(index, decidedBy, egress, null, 0);
    }

    BranchChoice(int index, String decidedBy, CapturedPacket egress, Tuple observed) {
        this(index, decidedBy, egress, observed, 0);
    }

    /** The number of the egress frame that decided, 0 when none did. */
    long egressFrame() {
        return egress == null ? 0 : egress.frame();
    }

    /**
     * The branch that leaves as {@code leftAs}, decided by {@code by}, or one that differs from it only by a port the
     * kernel chose; null when none does (or, for the only branch, when it does: nothing was decided).
     */
    static BranchChoice leavingAs(BranchEnumerator.Runs<PathRun> branches, Tuple leftAs, String by) {
        String decidedBy = branches.size() == 1 ? "" : by;
        for (int i = 0; i < branches.size(); i++) {
            Optional<Egress> egress = branches.run(i).egress();
            if (egress.isPresent() && egress.get().tuple().equals(leftAs)) {
                return branches.size() == 1 ? null : new BranchChoice(i, decidedBy, null);
            }
        }
        for (int i = 0; i < branches.size(); i++) {
            Optional<Egress> egress = branches.run(i).egress();
            if (egress.isPresent() && onlyKernelChosenPortDiffers(branches.run(i), egress.get().tuple(),
                    leftAs)) {
                return new BranchChoice(i, decidedBy, null, leftAs);
            }
        }
        return null;
    }

    /** The branch that leaves as {@code later}, as a choice decided by that frame, or null. */
    static BranchChoice leavingAs(CapturedPacket later, BranchEnumerator.Runs<PathRun> branches) {
        int i = branchLeavingAs(later, branches);
        if (i < 0) {
            return null;
        }
        return new BranchChoice(i, branches.size() > 1 ? "egress frame " + later.frame() + " on " + later.summary().iface() : "",
                later);
    }

    /** The first branch (in rule order) whose egress is the frame {@code seen}, or -1. */
    static int branchLeavingAs(CapturedPacket seen, BranchEnumerator.Runs<PathRun> branches) {
        for (int i = 0; i < branches.size(); i++) {
            Optional<Egress> egress = branches.run(i).egress();
            if (egress.isPresent() && leavesAs(egress.get(), seen)) {
                return i;
            }
        }
        return -1;
    }

    /** A locally generated frame is its own egress observation: the branch that leaves as this frame happened. */
    static BranchChoice bySelf(CapturedPacket cp, BranchEnumerator.Runs<PathRun> branches) {
        BranchChoice self = leavingAsSelf(cp, branches);
        return self != null ? self
                : new BranchChoice(0, branches.size() > 1 ? UndecidedStep.FIRST_BRANCH + ": no branch leaves as this frame" : "",
                        null);
    }

    /**
     * The branch that leaves as this frame, or as it but for a source port the kernel chose (then with the frame's
     * tuple as observed); null when none does.
     */
    static BranchChoice leavingAsSelf(CapturedPacket cp, BranchEnumerator.Runs<PathRun> branches) {
        String by = branches.size() > 1 ? "this frame, as it left on " + cp.summary().iface() : "";
        int self = branchLeavingAs(cp, branches);
        if (self >= 0) {
            return new BranchChoice(self, by, null);
        }
        for (int i = 0; i < branches.size(); i++) {
            Optional<Egress> egress = branches.run(i).egress();
            if (egress.isPresent() && leavesWithKernelChosenPort(egress.get(), cp, branches.run(i))) {
                return new BranchChoice(i, by, null, cp.ipPacket().tuple());
            }
        }
        return null;
    }

    /**
     * The egress copy differs from the prediction only in the source port, and the branch applied source NAT: the
     * kernel picked the port (--random-fully, or another port because the reply tuple was taken).
     */
    static boolean leavesWithKernelChosenPort(Egress egress, CapturedPacket later, PathRun run) {
        String iface = later.summary().iface();
        return (iface.isEmpty() || egress.dev().isEmpty() || egress.dev().equals(iface))
                && onlyKernelChosenPortDiffers(run, egress.tuple(), later.ipPacket().tuple());
    }

    /** {@code run} masqueraded, and {@code seen} is its {@code predicted} tuple but for the source port. */
    private static boolean onlyKernelChosenPortDiffers(PathRun run, Tuple predicted, Tuple seen) {
        return run.nat().map(n -> n.masquerade()).orElse(false) && predicted.protocol() == seen.protocol()
                && predicted.src().equals(seen.src()) && predicted.dst().equals(seen.dst())
                && predicted.dport() == seen.dport() && predicted.sport() != seen.sport();
    }

    /** The egress leaves as {@code later}: the same tuple, on its device when both name one. */
    private static boolean leavesAs(Egress egress, CapturedPacket later) {
        String iface = later.summary().iface();
        return (iface.isEmpty() || egress.dev().isEmpty() || egress.dev().equals(iface))
                && later.ipPacket().hasTuple(egress.tuple());
    }
}
