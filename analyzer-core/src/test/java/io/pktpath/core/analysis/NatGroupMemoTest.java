package io.pktpath.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.trace.ConntrackStep;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.NatChange;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.net.IpAddress;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The summary remembers the NAT group of each NAT change object it saw (the replay shares one per flow direction on a
 * remembered path): the same object counts in the same group as a fresh equal one would, in its own direction, and a
 * change that changed nothing counts nowhere, however often it comes back.
 */
class NatGroupMemoTest {
    private static final IpAddress CLIENT = IpAddress.v4(0x0af40002);
    private static final IpAddress SERVICE = IpAddress.v4(0x0a600001);
    private static final IpAddress ENDPOINT = IpAddress.v4(0x0af40103);

    @Test
    void aSharedChangeCountsInTheGroupAFreshEqualOneWouldPerDirection() {
        NatChange shared = dnat(33324);
        SummaryCollector summary = new SummaryCollector();
        long frame = 1;
        for (int i = 0; i < 5; i++) {
            summary.accept(trace(frame++, shared, false));
        }
        summary.accept(trace(frame++, dnat(33324), false));
        summary.accept(trace(frame++, dnat(41000), false));
        for (int i = 0; i < 3; i++) {
            summary.accept(trace(frame++, shared, true));
        }
        NatChange nothing = new NatChange(new Tuple(6, CLIENT, 1, SERVICE, 80), new Tuple(6, CLIENT, 1, SERVICE, 80), false);
        for (int i = 0; i < 4; i++) {
            summary.accept(trace(frame++, nothing, i % 2 == 0));
        }
        assertEquals(List.of("DNAT 10.96.0.1:80 -> 10.244.1.3:8080 = 7 [1, 2, 3, 4, 5, 6, 7]",
                        "reply, un-SNAT 10.96.0.1:80 -> 10.244.1.3:8080 = 3 [8, 9, 10]"),
                summary.summary().natMappings().stream()
                        .map(m -> m.kind() + " " + m.before() + " -> " + m.after() + " = " + m.packets() + " " + m.frames())
                        .collect(Collectors.toList()));
    }

    @Test
    void manyChangesInTurnStillCountEachInItsGroup() {
        SummaryCollector summary = new SummaryCollector();
        NatChange[] changes = new NatChange[20_000];
        for (int i = 0; i < changes.length; i++) {
            changes[i] = new NatChange(new Tuple(6, CLIENT, 30_000 + i % 5, SERVICE, 80 + i % 7),
                    new Tuple(6, CLIENT, 30_000 + i % 5, ENDPOINT, 8080 + i % 7), false);
        }
        long frame = 1;
        for (int round = 0; round < 3; round++) {
            for (NatChange n : changes) {
                summary.accept(trace(frame++, n, false));
            }
        }
        List<Long> counts = summary.summary().natMappings().stream().map(m -> m.packets()).toList();
        assertEquals(7, counts.size());
        assertEquals(60_000L, counts.stream().mapToLong(Long::longValue).sum());
    }

    private static NatChange dnat(int sport) {
        return new NatChange(new Tuple(6, CLIENT, sport, SERVICE, 80), new Tuple(6, CLIENT, sport, ENDPOINT, 8080), false);
    }

    private static PacketTrace trace(long frame, NatChange nat, boolean reply) {
        PacketSummary p = new PacketSummary(frame, frame, "eth0", "in", 4, 6, Optional.of(CLIENT), Optional.of(SERVICE),
                33324, 80, -1, 60, -1, -1, 0x10, "");
        List<TraceStep> path = List.of(new ConntrackStep(Hook.PREROUTING, CtState.ESTABLISHED, reply, false, 1, ""));
        return new PacketTrace(p, FrameRole.INGRESS, path, Disposition.FORWARDED, "forwarded", Optional.of(nat),
                Optional.empty(), List.of(), List.of(), List.of(), List.of(), 1);
    }
}
