package io.pktpath.gui.session;

import io.pktpath.core.trace.PacketTrace;
import io.pktpath.gui.Samples;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceStoreTest {
    @Test
    void keepsTheFirstFramesThenRewrittenOrFailedOnesUpToAsManyAgain() {
        Session session = Samples.session("clusterip-tcp");
        List<PacketTrace> all = new ArrayList<>();
        for (long f = 1; f <= session.rows().size(); f++) {
            all.add(session.keptTrace(f).orElseThrow());
        }
        List<Long> interesting = all.stream().skip(3).filter(t -> t.disposition().isFailure()
                || t.nat().map(n -> n.changed()).orElse(false)).map(t -> t.packet().frame()).toList();
        assertTrue(interesting.size() > 5, "the sample rewrites more than 5 frames after frame 3: " + interesting);
        TraceStore store = new TraceStore(3);
        all.forEach(store::add);
        assertEquals(all.size(), store.seen());
        assertEquals(6, store.kept(), "3 first frames, then 3 rewritten ones, not one per rewritten frame");
        for (long f = 1; f <= 3; f++) {
            assertEquals(all.get((int) f - 1), store.get(f).orElseThrow());
        }
        for (int i = 0; i < interesting.size(); i++) {
            assertEquals(i < 3, store.get(interesting.get(i)).isPresent(), "frame " + interesting.get(i));
        }
    }

    @Test
    void aLargerLimitKeepsMoreOfTheInterestingFramesAndTheHeapSetsTheGuisLimit() {
        Session session = Samples.session("clusterip-tcp");
        TraceStore store = new TraceStore(3, 5);
        for (long f = 1; f <= session.rows().size(); f++) {
            store.add(session.keptTrace(f).orElseThrow());
        }
        assertEquals(5, store.kept());
        assertEquals(2L * TraceStore.DEFAULT_FULL_LIMIT, TraceStore.keptLimitFor(64L << 20), "a small heap");
        assertEquals((6L << 30) / 10 / TraceStore.BYTES_PER_TRACE, TraceStore.keptLimitFor(6L << 30));
    }
}
