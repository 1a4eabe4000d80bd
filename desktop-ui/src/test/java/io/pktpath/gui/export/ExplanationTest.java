package io.pktpath.gui.export;

import io.pktpath.gui.Samples;
import io.pktpath.gui.session.Session;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExplanationTest {
    @Test
    void explanationNamesPacketDispositionNatAndPath() {
        Session s = Samples.session("clusterip-tcp");
        String text = Explanation.text(s.keptTrace(3).orElseThrow(), false);
        List<String> lines = text.lines().toList();
        assertEquals("Frame 3  2026-11-22T00:51:18.701511Z  cali62608e08adc in", lines.get(0).replaceAll(
                "T\\d\\d:\\d\\d:\\d\\d\\.\\d+Z", "T00:51:18.701511Z"));
        assertEquals("Disposition: forwarded (FORWARDED)", lines.get(2));
        assertTrue(lines.contains("NAT: 10.244.1.2:33324 -> 10.96.0.10:80  =>  10.244.1.2:33324 -> 10.244.1.3:8080"),
                text);
        assertTrue(lines.contains("  PREROUTING  [raw, nat]"), text);
        assertTrue(lines.contains("Path:"), text);
    }

    @Test
    void framesJsonUsesTheTraceContract() {
        Session s = Samples.session("no-endpoints-reject");
        var json = FramesJson.of(s.rows().subList(2, 3), s);
        assertEquals(1, json.size());
        assertEquals(3, json.get(0).get("frame").asLong());
        assertEquals("REJECTED", json.get(0).get("disposition").asText());
        assertEquals("KUBE-SERVICES", json.get(0).get("steps").get(json.get(0).get("steps").size() - 1)
                .get("chain").asText());
        assertEquals("DROP", json.get(0).get("steps").get(json.get(0).get("steps").size() - 1).get("verdict").asText());
    }
}
