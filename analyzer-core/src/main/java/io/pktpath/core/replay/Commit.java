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
 * rules left it (CONNMARK), and the packet as it was counted.
 */
record Commit(List<TableResult> tables, CtLookup lookup, Optional<CtCandidate> candidate, boolean confirm,
              Optional<CtInfo> ct, Packet packet, int family) {
    Commit {
        tables = List.copyOf(tables);
    }
}
