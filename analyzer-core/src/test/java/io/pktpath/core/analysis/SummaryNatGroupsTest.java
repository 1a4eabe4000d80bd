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
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The summary's NAT groups: a NAT change object the replay shares between the packets of a flow direction counts in the
 * group a fresh equal one would, once per packet and in its own direction; a change that changed nothing counts
 * nowhere; and more mappings than the summary's key table holds at once still each count in their group.
 */
class SummaryNatGroupsTest {
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

    /**
     * One change object met in both directions of a flow, alternately (the groups a flow's packets met are remembered
     * per flow and direction): each packet counts in its own direction's group; and two flows whose ids share a slot
     * of that memory each count in their own group.
     */
    @Test
    void aChangeMetInBothDirectionsAndFlowsSharingASlotCountInTheirOwnGroups() {
        NatChange shared = dnat(33324);
        SummaryCollector summary = new SummaryCollector();
        for (long frame = 1; frame <= 6; frame++) {
            summary.accept(trace(frame, shared, frame % 2 == 0, 7));
        }
        summary.accept(trace(7, dnat(41000), false, 7 + (1 << 15)));
        NatChange other = new NatChange(new Tuple(6, CLIENT, 5, SERVICE, 80), new Tuple(6, CLIENT, 5, CLIENT, 9090),
                false);
        summary.accept(trace(8, other, false, 7 + (1 << 15)));
        summary.accept(trace(9, shared, false, 7));
        assertEquals(List.of("DNAT 10.96.0.1:80 -> 10.244.1.3:8080 = 5 [1, 3, 5, 7, 9]",
                        "reply, un-SNAT 10.96.0.1:80 -> 10.244.1.3:8080 = 3 [2, 4, 6]",
                        "DNAT 10.96.0.1:80 -> 10.244.0.2:9090 = 1 [8]"),
                summary.summary().natMappings().stream()
                        .map(m -> m.kind() + " " + m.before() + " -> " + m.after() + " = " + m.packets() + " " + m.frames())
                        .collect(Collectors.toList()));
    }

    /**
     * Past a group's first frames, a flow's packets are counted beside the group and added to it when their slot goes
     * to another flow or the summary is made: every packet counts once, in its group, the evidence frames are the
     * group's first ones across its flows, and making the summary twice gives the same counts.
     */
    @Test
    void packetsPastTheFirstFramesCountOnceWhateverFlowOrSlotTheyCameThrough() {
        NatChange first = dnat(33324);
        NatChange second = dnat(41000);
        NatChange elsewhere = new NatChange(new Tuple(6, CLIENT, 5, SERVICE, 80), new Tuple(6, CLIENT, 5, CLIENT, 9090),
                false);
        SummaryCollector summary = new SummaryCollector();
        long frame = 1;
        summary.accept(trace(frame++, first, false, 7));
        summary.accept(trace(frame++, first, false, 7));
        for (int i = 0; i < 9; i++) {
            summary.accept(trace(frame++, second, false, 8));
        }
        for (int i = 0; i < 5; i++) {
            summary.accept(trace(frame++, first, false, 7));
            summary.accept(trace(frame++, second, false, 8));
        }
        summary.accept(trace(frame++, elsewhere, false, 7 + (1 << 15)));
        summary.accept(trace(frame++, first, false, 7));
        summary.accept(trace(frame++, first, true, 7));
        List<String> expected = List.of("DNAT 10.96.0.1:80 -> 10.244.1.3:8080 = 22 [1, 2, 3, 4, 5, 6, 7, 8]",
                "DNAT 10.96.0.1:80 -> 10.244.0.2:9090 = 1 [22]",
                "reply, un-SNAT 10.96.0.1:80 -> 10.244.1.3:8080 = 1 [24]");
        for (int made = 0; made < 2; made++) {
            assertEquals(expected, summary.summary().natMappings().stream()
                    .map(m -> m.kind() + " " + m.before() + " -> " + m.after() + " = " + m.packets() + " " + m.frames())
                    .collect(Collectors.toList()));
        }
    }

    @Test
    void moreMappingsThanTheKeyTableHoldsStillCountEachInItsGroup() {
        SummaryCollector summary = new SummaryCollector();
        int mappings = 25_000;
        long frame = 1;
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < mappings; i++) {
                IpAddress endpoint = IpAddress.v4(0x0af40000 + i);
                summary.accept(trace(frame++, new NatChange(new Tuple(6, CLIENT, 40_000, SERVICE, 80),
                        new Tuple(6, CLIENT, 40_000, endpoint, 8080), false), false));
            }
        }
        Map<String, Long> packets = summary.summary().natMappings().stream()
                .collect(Collectors.toMap(m -> m.kind() + " " + m.after(), m -> m.packets()));
        assertEquals(10_001, packets.size());
        assertEquals(2L, packets.get("DNAT 10.244.0.0:8080"));
        assertEquals(2L, packets.get("DNAT 10.244.39.15:8080"));
        assertEquals(30_000L, packets.get("other mappings "));
        assertEquals(50_000L, packets.values().stream().mapToLong(Long::longValue).sum());
    }

    private static NatChange dnat(int sport) {
        return new NatChange(new Tuple(6, CLIENT, sport, SERVICE, 80), new Tuple(6, CLIENT, sport, ENDPOINT, 8080), false);
    }

    private static PacketTrace trace(long frame, NatChange nat, boolean reply) {
        return trace(frame, nat, reply, 1);
    }

    private static PacketTrace trace(long frame, NatChange nat, boolean reply, long flowId) {
        PacketSummary p = new PacketSummary(frame, frame, "eth0", "in", 4, 6, Optional.of(CLIENT), Optional.of(SERVICE),
                33324, 80, -1, 60, -1, -1, 0x10, "");
        List<TraceStep> path = List.of(new ConntrackStep(Hook.PREROUTING, CtState.ESTABLISHED, reply, false, 1, ""));
        return new PacketTrace(p, FrameRole.INGRESS, path, Disposition.FORWARDED, "forwarded", Optional.of(nat),
                Optional.empty(), List.of(), List.of(), List.of(), List.of(), flowId);
    }
}
