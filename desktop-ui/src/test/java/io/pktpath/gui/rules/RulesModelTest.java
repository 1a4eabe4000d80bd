package io.pktpath.gui.rules;

import io.pktpath.gui.Samples;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RulesModelTest {
    private final RulesModel model = RulesModel.of(Samples.session("no-endpoints-reject"));

    private RuleRow rule(String chain, int position) {
        return model.rules().stream().filter(r -> r.rule().get().table().equals("filter")
                && r.rule().get().chain().equals(chain) && r.rule().get().position() == position).findFirst()
                .orElseThrow();
    }

    @Test
    void rejectRulesCountWhatTheKernelCounted() {
        // README: the kernel counted tcp 2 (pod SYN + the node's own SYN) and udp 1; the node's own SYN is rejected
        // in OUTPUT before any interface sees it, so the capture, and the replay, hold only the pod's
        RuleRow tcp = rule("KUBE-SERVICES", 1);
        assertEquals(1, tcp.packets());
        assertEquals(1, rule("KUBE-SERVICES", 2).packets());
        assertArrayEquals(new long[] {5}, model.frames(rule("KUBE-SERVICES", 2)));
        assertArrayEquals(new long[] {3}, model.frames(tcp));
    }

    @Test
    void neverHitRulesAreMarkedAndHeatIsLogScaled() {
        RuleRow invalid = rule("KUBE-FORWARD", 1);
        assertTrue(invalid.neverHit());
        assertEquals(0.0, invalid.heat());
        assertEquals(1.0, RulesModel.heat(80, 80));
        assertEquals(Math.log(2) / Math.log(81), RulesModel.heat(1, 80), 1e-12);
        assertEquals(0.0, RulesModel.heat(0, 80));
        double max = model.rules().stream().mapToDouble(RuleRow::heat).max().orElseThrow();
        assertEquals(1.0, max);
    }

    @Test
    void treeFollowsTheFileTablesThenChains() {
        // the sample's ip6tables-save.txt is empty
        assertEquals(List.of("IPv4 (iptables)"), model.roots().stream().map(RuleRow::text).toList());
        assertEquals("table raw", model.roots().get(0).children().get(0).text());
        assertEquals("#ffe7bd", RulesModel.heatColor(0.1)); // 243 - 0.1 * 123 = 231, 200 - 0.1 * 110 = 189
        assertEquals("#ff785a", RulesModel.heatColor(1.0));
    }
}
