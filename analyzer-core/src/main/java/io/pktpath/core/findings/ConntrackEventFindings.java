package io.pktpath.core.findings;

import io.pktpath.core.conntrack.FlowRecord;
import io.pktpath.core.conntrack.KernelEventComparer;
import io.pktpath.core.conntrack.KernelEventComparison;
import io.pktpath.core.conntrack.KernelEventDifference;
import io.pktpath.core.conntrack.RaceEvidence;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.InputKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bundle's {@code conntrack -E} events against the replay's connections (CONNTRACK_EVENTS_DIFFER): collects the
 * first frames whose random branch the capture could not decide, then compares when the bundle has events.
 */
final class ConntrackEventFindings {
    private static final int SHOWN = 10;

    private final boolean active;
    private final Map<Long, String> undecided = new HashMap<>();

    ConntrackEventFindings(Bundle bundle) {
        this.active = bundle.has(InputKind.CONNTRACK_EVENTS);
    }

    void accept(PacketTrace t) {
        if (!active || t.alternatives().isEmpty() || t.role() != FrameRole.INGRESS && t.role() != FrameRole.LOCAL_OUT) {
            return;
        }
        KernelEventComparer.firstBranchRule(t).ifPresent(rule -> undecided.putIfAbsent(t.packet().frame(), rule));
    }

    List<Finding> findings(Bundle bundle, List<FlowRecord> flows, List<RaceEvidence> races) {
        if (!active) {
            return List.of();
        }
        KernelEventComparison c = KernelEventComparer.compare(bundle.conntrackEvents(), flows, undecided, races);
        if (c.agrees()) {
            return List.of();
        }
        List<Long> frames = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        evidence.add("conntrack -E NEW: " + c.counts() + ", " + c.differences().size() + " difference(s)");
        int shown = 0;
        for (KernelEventDifference d : c.differences()) {
            if (d.frame() > 0 && !frames.contains(d.frame())) {
                frames.add(d.frame());
            }
            if (shown++ < SHOWN) {
                evidence.add(d.headline() + ": kernel " + d.kernel() + "; pktpath " + d.pktpath());
            }
        }
        if (c.differences().size() > SHOWN) {
            evidence.add("and " + (c.differences().size() - SHOWN) + " more (pktpath verify lists them all)");
        }
        frames.sort(Long::compare);
        return List.of(new Finding(Codes.CONNTRACK_EVENTS_DIFFER, FindingSeverity.WARNING, c.differences().size()
                + " connection(s) of the replay disagree with the kernel's conntrack events (conntrack -E)", frames,
                List.of(), evidence, "Read each difference: a reply tuple that differs where the capture could not decide"
                + " a random branch is the kernel's choice (the event is right); a connection the kernel never announced"
                + " was dropped before confirmation (an insert race loser, a packet dropped after the conntrack lookup);"
                + " an event without a replayed connection is traffic the capture lacks. Otherwise pktpath is wrong:"
                + " report it with the bundle.", "certain: the events are the kernel's own record of its conntrack table"));
    }
}
