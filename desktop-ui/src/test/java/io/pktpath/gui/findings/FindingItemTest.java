package io.pktpath.gui.findings;

import io.pktpath.gui.Samples;
import io.pktpath.gui.flows.FlowRow;
import io.pktpath.gui.flows.FlowsView;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FindingItemTest {
    @Test
    void dropsByCauseComeFirstWithTheirFrames() {
        List<FindingItem> items = FindingItem.of(Samples.session("no-endpoints-reject").result());
        List<FindingItem> drops = items.stream().filter(i -> i.category().equals("drop")).toList();
        assertEquals(3, drops.stream().mapToInt(d -> d.frames().size()).sum());
        assertEquals(List.of(3L, 5L, 11L), drops.stream().flatMap(d -> d.frames().stream()).sorted().toList());
        assertTrue(drops.get(0).title().startsWith("1 × rejected: "), drops.get(0).title());
        assertTrue(items.stream().anyMatch(i -> i.category().equals("assumption")));
    }

    @Test
    void flowsCarryNatStateAndFrames() {
        List<FlowRow> flows = FlowsView.rows(Samples.session("clusterip-tcp"));
        // README: 8 sequential TCP connections from the client to the ClusterIP
        List<FlowRow> tcp = flows.stream().filter(f -> f.original().endsWith("10.96.0.10:80")).toList();
        assertEquals(8, tcp.size());
        FlowRow first = tcp.get(0);
        assertEquals("tcp", first.protocol());
        assertTrue(first.nat().startsWith("DNAT by nat KUBE-SEP-"), first.nat());
        assertTrue(first.reply().startsWith("10.244.1."), first.reply());
        assertTrue(first.frames().contains(3L), first.frames().toString());
        assertEquals("closed", first.outcome());
    }
}
