package io.pktpath.core.findings;

import io.pktpath.parser.bundle.KernelVersion;
import java.util.Optional;

/** Which row of netfilter-semantics §8.1's kernel table applies to the node, in words. */
final class KernelRaceCase {
    private KernelRaceCase() {
    }

    /** True when the node's kernel may drop the losing datagram of a UDP clash (unknown kernels count as yes). */
    static boolean mayDrop(Optional<KernelVersion> kernel) {
        return kernel.isEmpty() || !kernel.get().atLeast(5, 6);
    }

    static String describe(Optional<KernelVersion> kernel) {
        if (kernel.isEmpty()) {
            return "kernel version unknown (no uname in the bundle): before 5.6 a clash with different DNAT choices drops "
                    + "the second datagram; 5.6+ resolves it";
        }
        KernelVersion k = kernel.get();
        String v = "kernel " + k.release();
        if (k.atLeast(5, 6)) {
            return v + " (5.6+): a clash with a different DNAT choice is resolved by inserting the loser's entry for the "
                    + "REPLY direction only (IPS_NAT_CLASH, 1 s), identical choices are merged; each resolved race counts "
                    + "in clash_resolve and nothing is dropped";
        }
        if (k.atLeast(5, 0)) {
            return v + " (5.0-5.5): a clash is resolved only when both datagrams got the same DNAT choice; when the "
                    + "endpoints differ the second datagram is dropped (insert_failed and drop +1)";
        }
        if (k.atLeast(4, 7)) {
            return v + " (4.7-4.20): clash resolution skips connections with a NAT extension, so on a node using NAT "
                    + "the losing datagram is dropped";
        }
        return v + " (before 4.7, no clash resolution): the losing datagram is always dropped";
    }
}
