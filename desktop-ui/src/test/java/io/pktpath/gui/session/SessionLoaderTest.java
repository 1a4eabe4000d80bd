package io.pktpath.gui.session;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.bundle.BundleOpenException;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.gui.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionLoaderTest {
    @Test
    void missingPathSaysWhichFile(@TempDir Path dir) {
        Path missing = dir.resolve("nope");
        BundleOpenException e = assertThrows(BundleOpenException.class, () -> SessionLoader.standard()
                .load(SessionSource.of(missing), n -> { }, () -> false));
        assertEquals(missing + ": no such file or directory", e.getMessage());
    }

    @Test
    void badRuleLineBecomesAProblemAndTheRestLoads(@TempDir Path dir) throws Exception {
        Path sample = Samples.bundle("no-endpoints-reject");
        Files.copy(sample.resolve("capture.pcap"), dir.resolve("capture.pcap"));
        Files.copy(sample.resolve("ip-route.txt"), dir.resolve("ip-route.txt"));
        Files.writeString(dir.resolve("iptables-save.txt"), "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n"
                + ":OUTPUT ACCEPT [0:0]\n-A FORWARD -p tcp --dport -j ACCEPT\n-A FORWARD -p udp -j DROP\nCOMMIT\n");
        AtomicLong progress = new AtomicLong();
        Session s = SessionLoader.standard().load(SessionSource.of(dir), progress::set, () -> false);
        assertEquals(13, s.rows().size());
        assertEquals(13, progress.get());
        assertEquals(1, s.problems().size(), s.problems().toString());
        assertTrue(s.problems().get(0).startsWith("iptables-save.txt:5:"), s.problems().get(0));
    }

    @Test
    void missesAreFoundForTheOneFrameAskedAndMatchAReplayThatRecordsThemAll() throws Exception {
        Session session = Samples.session("no-endpoints-reject");
        Session all = new SessionLoader(AnalysisOptions.DEFAULT.withMisses(true), 1_000)
                .load(SessionSource.of(Samples.bundle("no-endpoints-reject")), n -> { }, () -> false);
        assertTrue(!session.hasMisses() && all.hasMisses());
        for (long frame = 1; frame <= session.rows().size(); frame++) {
            PacketTrace kept = session.keptTrace(frame).orElseThrow();
            PacketTrace withMisses = session.traceWithMisses(frame).orElseThrow();
            assertTrue(kept.misses().isEmpty(), "frame " + frame);
            assertEquals(all.keptTrace(frame).orElseThrow(), withMisses, "frame " + frame);
            assertEquals(kept.path(), withMisses.path(), "frame " + frame);
        }
        assertTrue(session.traceWithMisses(3).orElseThrow().misses().size() > 0);
        assertTrue(session.traceWithMisses(session.rows().size() + 1).isEmpty());
    }

    @Test
    void tracesBeyondTheLimitAreReDerivedIdentically() throws Exception {
        Session small = new SessionLoader(AnalysisOptions.DEFAULT, 2)
                .load(SessionSource.of(Samples.bundle("clusterip-tcp")), n -> { }, () -> false);
        Session full = Samples.session("clusterip-tcp");
        // a frame neither failed nor rewritten is not kept past the limit; replaying again must give the same trace
        long frame = full.rows().stream().filter(r -> !r.natted() && !r.disposition().isFailure())
                .mapToLong(r -> r.frame()).filter(f -> f > 2).findFirst().orElseThrow();
        assertTrue(small.keptTrace(frame).isEmpty());
        assertEquals(full.keptTrace(frame), small.trace(frame));
        assertTrue(small.keptTrace(3).isPresent(), "rewritten frames are always kept");
    }
}
