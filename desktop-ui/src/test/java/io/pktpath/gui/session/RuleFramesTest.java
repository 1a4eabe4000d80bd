package io.pktpath.gui.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.gui.Samples;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class RuleFramesTest {
    /**
     * Every rule's frames are exactly the frames whose path holds a step of that rule (once each, ascending), also when
     * asked with an equal reference that is not the replay's own instance (as the rules view may hold).
     */
    @Test
    void framesOfEveryRuleAreTheFramesWhosePathMatchedIt() throws Exception {
        for (String sample : new String[] {"clusterip-tcp", "no-endpoints-reject", "hairpin-nomasq", "nodeport-external", "output-dnat-local", "custom-chains"}) {
            Session s = Samples.session(sample);
            Map<String, TreeSet<Long>> expected = new TreeMap<>();
            Map<String, RuleRef> refs = new TreeMap<>();
            RuleFrames collected = new RuleFrames();
            for (var row : s.rows()) {
                PacketTrace t = s.keptTrace(row.frame()).orElseThrow();
                collected.add(t);
                for (var step : t.path()) {
                    if (step instanceof RuleStep r) {
                        expected.computeIfAbsent(r.rule().family() + " " + r.rule().label(), k -> new TreeSet<>()).add(t.packet().frame());
                        refs.put(r.rule().family() + " " + r.rule().label(), r.rule());
                    }
                }
            }
            assertTrue(expected.size() > 3, sample + ": rules hit " + expected.size());
            for (var e : expected.entrySet()) {
                RuleRef r = refs.get(e.getKey());
                RuleRef equal = new RuleRef(r.family(), r.table(), r.chain(), r.position(), r.span(), new String(r.text()));
                long[] want = e.getValue().stream().mapToLong(Long::longValue).toArray();
                assertArrayEquals(want, collected.of(equal), sample + " " + e.getKey());
                assertArrayEquals(want, s.ruleFrames().of(r), sample + " " + e.getKey());
            }
            assertEquals(0, collected.of(new RuleRef(4, "nat", "NO-SUCH", 1, refs.values().iterator().next().span(),
                    "-A NO-SUCH -j ACCEPT")).length);
        }
    }

    /** A rule met twice on one frame's path (a chain called from two places) counts that frame once. */
    @Test
    void aRuleMetTwiceOnOnePathCountsTheFrameOnce() throws Exception {
        Session s = Samples.session("clusterip-tcp");
        PacketTrace t = s.rows().stream().map(r -> s.keptTrace(r.frame()).orElseThrow())
                .filter(x -> x.path().stream().anyMatch(step -> step instanceof RuleStep)).findFirst().orElseThrow();
        java.util.List<io.pktpath.core.trace.TraceStep> twice = new java.util.ArrayList<>(t.path());
        twice.addAll(t.path());
        PacketTrace doubled = new PacketTrace(t.packet(), t.role(), twice, t.disposition(), t.reason(), t.nat(),
                t.route(), t.correlated(), t.alternatives(), t.misses(), t.notes(), t.flowId());
        RuleFrames frames = new RuleFrames();
        frames.add(doubled);
        RuleRef rule = t.path().stream().filter(x -> x instanceof RuleStep).map(x -> ((RuleStep) x).rule())
                .findFirst().orElseThrow();
        assertArrayEquals(new long[] {t.packet().frame()}, frames.of(rule));
    }
}
