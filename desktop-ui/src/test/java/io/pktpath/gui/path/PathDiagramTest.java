package io.pktpath.gui.path;

import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.gui.Samples;
import io.pktpath.gui.session.Session;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PathDiagramTest {
    private static PathDiagram diagram(String sample, long frame) {
        Session s = Samples.session(sample);
        PacketTrace t = s.keptTrace(frame).orElseThrow();
        return PathDiagram.of(t, NodeTables.of(s.bundle()));
    }

    @Test
    void rejectedPodSynStopsAtForwardWithTheRuleNamed() {
        PathDiagram d = diagram("no-endpoints-reject", 3);
        assertEquals(List.of(Stage.PREROUTING, Stage.ROUTING_IN, Stage.FORWARD), d.route());
        assertEquals(Optional.of(Stage.FORWARD), d.failedAt());
        StageView forward = d.stage(Stage.FORWARD);
        assertTrue(forward.failed());
        assertEquals(List.of("filter"), forward.tables());
        assertEquals(List.of("✖ rejected by filter KUBE-SERVICES #1 (iptables-save.txt:33)"), forward.lines());
        assertEquals(List.of("route default via 172.18.0.1 dev eth0 (table main, ip rule 32766)"),
                d.stage(Stage.ROUTING_IN).lines());
        assertFalse(d.stage(Stage.POSTROUTING).visited());
        assertTrue(d.headline().startsWith("frame 3: rejected — rejected by filter KUBE-SERVICES rule 1"));
    }

    @Test
    void clusterIpSynShowsTheDnatBeforeAndAfter() {
        PathDiagram d = diagram("clusterip-tcp", 3);
        assertEquals(List.of(Stage.PREROUTING, Stage.ROUTING_IN, Stage.FORWARD, Stage.POSTROUTING), d.route());
        assertEquals(Optional.empty(), d.failedAt());
        assertEquals(List.of("DNAT dst 10.96.0.10:80 → 10.244.1.3:8080"), d.stage(Stage.PREROUTING).lines());
        assertEquals(List.of("raw", "nat"), d.stage(Stage.PREROUTING).tables());
        assertEquals(List.of("neighbor 10.244.1.3 on calie694aa37abf: REACHABLE"), d.stage(Stage.POSTROUTING).lines());
    }

    @Test
    void locallySentErrorStartsAtTheLocalProcess() {
        PathDiagram d = diagram("no-endpoints-reject", 4);
        assertEquals(List.of(Stage.LOCAL, Stage.ROUTING_OUT, Stage.OUTPUT, Stage.POSTROUTING), d.route());
        assertEquals(List.of("raw", "nat", "filter"), d.stage(Stage.OUTPUT).tables());
    }

    @Test
    void emptyDiagramShowsTheNodeTablesAtEachHook() {
        Map<Hook, List<String>> tables = NodeTables.of(Samples.session("no-endpoints-reject").bundle());
        assertEquals(List.of("raw", "nat"), tables.get(Hook.PREROUTING));
        assertEquals(List.of("raw", "nat", "filter"), tables.get(Hook.OUTPUT));
        PathDiagram d = PathDiagram.empty(tables);
        assertEquals(List.of(), d.route());
        assertEquals(List.of("filter", "nat"), d.stage(Stage.INPUT).tables());
        assertEquals("select a frame to see its path", d.headline());
    }
}
