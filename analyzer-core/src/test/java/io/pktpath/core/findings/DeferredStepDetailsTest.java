package io.pktpath.core.findings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.CheckStep;
import io.pktpath.core.trace.ConntrackStep;
import io.pktpath.core.trace.DeferredText;
import io.pktpath.core.trace.NatKind;
import io.pktpath.core.trace.NatStep;
import io.pktpath.core.trace.NeighborStep;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.TraceStep;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The sentences the replay leaves to be written when read (a conntrack lookup's, an existing binding's NAT, the route
 * checks that depend on a packet's addresses) name the flow, direction and addresses of the step they belong to, as
 * the trace's own fields give them; a deferred text is written once and equals the same words written at once; and a
 * next hop's neighbour step is one object for every packet that resolves it.
 */
class DeferredStepDetailsTest {
    private static List<PacketTrace> traces(String bundle) {
        return SampleBundles.traces(bundle);
    }

    @Test
    void aDeferredTextIsWrittenOnceAndEqualsTheSameWordsWritten() {
        AtomicInteger writes = new AtomicInteger();
        DeferredText later = DeferredText.later(() -> "flow #" + writes.incrementAndGet() + " REPLY");
        assertEquals(0, writes.get());
        assertEquals("flow #1 REPLY", later.toString());
        assertEquals("flow #1 REPLY", later.toString());
        assertEquals(1, writes.get());
        assertEquals(DeferredText.of("flow #1 REPLY"), later);
        assertEquals(DeferredText.of("flow #1 REPLY").hashCode(), later.hashCode());
        assertNotEquals(DeferredText.of("flow #2 REPLY"), later);
        assertEquals("", DeferredText.orEmpty(null).toString());
        assertEquals("", new CheckStep(null, "forwarding", true, (String) null).detail());
        assertEquals(new CheckStep(null, "forwarding", true, "x: 10.0.0.1 may be forwarded"),
                new CheckStep(null, "forwarding", true, DeferredText.later(() -> "x: 10.0.0.1 may be forwarded")));
    }

    @Test
    void eachDeferredSentenceNamesItsOwnFlowDirectionAndAddresses() throws IOException {
        int lookups = 0;
        int restored = 0;
        int forwarding = 0;
        for (PacketTrace t : traces("clusterip-tcp")) {
            for (TraceStep step : t.path()) {
                if (step instanceof ConntrackStep c && !c.created() && c.flowId() > 0) {
                    String direction = c.reply() ? "REPLY" : "ORIGINAL";
                    assertTrue(c.detail().startsWith("flow #" + c.flowId() + " " + direction + " (TCP "),
                            "frame " + t.packet().frame() + ": " + c.detail());
                    lookups++;
                }
                if (step instanceof NatStep n && n.kind() == NatKind.UNDNAT) {
                    assertEquals("source restored to the original destination by flow #" + t.flowId() + " (REPLY)",
                            n.detail(), "frame " + t.packet().frame());
                    restored++;
                }
                if (step instanceof CheckStep c && c.check().equals("forwarding") && t.packet().family() != 0) {
                    // (an ARP request's input route checks name its target, the frame has no IP destination)
                    String dst = t.nat().map(nat -> nat.after().dst().toString())
                            .orElse(t.packet().dst().get().toString());
                    assertTrue(c.detail().endsWith(": " + dst + " may be forwarded"),
                            "frame " + t.packet().frame() + ": " + c.detail());
                    forwarding++;
                }
            }
        }
        assertTrue(lookups > 10 && restored > 3 && forwarding > 10, lookups + " " + restored + " " + forwarding);
    }

    @Test
    void everyPacketResolvingOneNextHopSharesItsNeighbourStep() throws IOException {
        Map<String, NeighborStep> byHop = new java.util.HashMap<>();
        Map<NeighborStep, Boolean> distinct = new IdentityHashMap<>();
        int resolved = 0;
        for (PacketTrace t : traces("clusterip-tcp")) {
            for (TraceStep step : t.path()) {
                if (step instanceof NeighborStep n) {
                    NeighborStep first = byHop.putIfAbsent(n.dev() + " " + n.address(), n);
                    if (first != null) {
                        assertSame(first, n, n.address());
                    }
                    distinct.put(n, true);
                    resolved++;
                }
            }
        }
        assertTrue(resolved > distinct.size(), resolved + " steps, " + distinct.size() + " distinct");
        assertEquals(byHop.size(), distinct.size());
    }
}
