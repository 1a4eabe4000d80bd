package io.pktpath.core.replay;

import io.pktpath.core.conntrack.CtCandidate;
import io.pktpath.core.conntrack.CtLookup;
import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.netfilter.TableResult;
import java.util.List;
import java.util.Optional;

/**
 * What a chosen run changes when committed: the table results (rule hits, stateful-match updates), the conntrack
 * lookup, the candidate as it stood at the end (with its NAT bindings), whether it reached confirmation, the ct as the
 * rules left it (CONNMARK), and the packet as it was counted (with the byte count to use when the walks were another packet's).
 */
record Commit(List<TableResult> tables, CtLookup lookup, Optional<CtCandidate> candidate, boolean confirm,
              Optional<CtInfo> ct, Packet packet, long countedBytes, Optional<IcmpRedirects.Decision> redirect) {
    /** {@code countedBytes} of a run that walked every table itself: each table counts the bytes it saw. */
    static final long OWN_BYTES = -1;
    /**
     * {@code countedBytes} of a remembered path's commit, which the consecutive packets that reuse it share: each table
     * counts the bytes of the packet committed ({@link #bytesOf}); {@link #packet} is then the first of them, read for
     * its family only.
     */
    static final long PACKET_BYTES = -2;

    Commit {
        tables = List.copyOf(tables);
        java.util.Objects.requireNonNull(redirect, "redirect");
    }

    /** The commit of a run that met no ICMP redirect rate limit. */
    Commit(List<TableResult> tables, CtLookup lookup, Optional<CtCandidate> candidate, boolean confirm,
           Optional<CtInfo> ct, Packet packet, long countedBytes) {
        this(tables, lookup, candidate, confirm, ct, packet, countedBytes, Optional.empty());
    }

    /**
     * The address family number the rule counters are kept under: the packet's (read from it rather than kept beside
     * it, as a commit is made for every frame).
     */
    int family() {
        return packet.family().number();
    }

    /**
     * The bytes a table result is counted with when {@code committed} is the packet committed: its own, unless the run
     * reused another packet's walk (then the bytes given, or the committed packet's own).
     */
    long bytesOf(TableResult t, Packet committed) {
        return countedBytes == OWN_BYTES ? t.bytes() : countedBytes == PACKET_BYTES ? committed.length() : countedBytes;
    }
}
