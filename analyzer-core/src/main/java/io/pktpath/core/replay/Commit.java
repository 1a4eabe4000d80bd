package io.pktpath.core.replay;

import io.pktpath.core.conntrack.CtCandidate;
import io.pktpath.core.conntrack.CtLookup;
import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.netfilter.TableResult;
import io.pktpath.core.trace.JoinedList;

import java.util.List;
import java.util.Optional;

/**
 * What a chosen run changes when committed: the table results (rule hits, stateful-match updates), the conntrack
 * lookup, the candidate as it stood at the end (with its NAT bindings), whether it reached confirmation, the ct as the
 * rules left it (CONNMARK), and the packet as it was counted (with the byte count to use when the walks were another packet's).
 */
record Commit(List<TableResult> tables, CtLookup lookup, Optional<CtCandidate> candidate, boolean confirm,
              Optional<CtInfo> ct, Packet packet, long countedBytes, Optional<IcmpRedirects.Decision> redirect,
              int form) {
    /** {@code countedBytes} of a run that walked every table itself: each table counts the bytes it saw. */
    static final long OWN_BYTES = -1;
    /** {@code form} of a commit whose table results are not one shared form's. */
    static final int NO_FORM = -1;

    /**
     * {@code form}: the number of the shared list of table results {@code tables} is ({@link CommitForms}), whose rule
     * counters count {@code countedBytes} (then 0 or more) at once, or {@link #NO_FORM}.
     */
    Commit {
        tables = JoinedList.immutable(tables);
        java.util.Objects.requireNonNull(redirect, "redirect");
        if (form != NO_FORM && countedBytes < 0) {
            throw new IllegalArgumentException("a form's commit counts the bytes given: " + countedBytes);
        }
    }

    /** The commit of a run whose table results are no shared form. */
    Commit(List<TableResult> tables, CtLookup lookup, Optional<CtCandidate> candidate, boolean confirm,
           Optional<CtInfo> ct, Packet packet, long countedBytes, Optional<IcmpRedirects.Decision> redirect) {
        this(tables, lookup, candidate, confirm, ct, packet, countedBytes, redirect, NO_FORM);
    }

    /**
     * The address family number the rule counters are kept under: the packet's (read from it rather than kept beside
     * it, as a commit is made for every frame).
     */
    int family() {
        return packet.family().number();
    }

    /** The bytes a table result is counted with: its own, unless the run reused another packet's walk. */
    long bytesOf(TableResult t) {
        return countedBytes < 0 ? t.bytes() : countedBytes;
    }
}
