package io.pktpath.core.findings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.conntrack.KernelEventComparer;
import io.pktpath.core.conntrack.KernelEventComparison;
import io.pktpath.core.conntrack.KernelEventDifference;
import io.pktpath.core.conntrack.RaceEvidence;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CONNTRACK_EVENTS_DIFFER on samples/bundles/conntrack-race-udp, which was recorded without {@code conntrack -E}: its
 * events are written here from its {@code conntrack -L} taken after the capture, one {@code [NEW]} per entry the kernel
 * confirmed (the UDP entries were all still there), which is what the kernel announces. Where two datagrams of one
 * tuple raced and the replay's connection went to the other endpoint, the difference says so; a connection whose NEW
 * is missing is one the kernel never announced; a bundle without events makes no such finding.
 */
class ConntrackEventsDifferTest {
    private static AnalysisResult analyze(Bundle b) {
        return Analyzer.analyze(b, Optional.empty(), AnalysisOptions.DEFAULT, t -> { }, n -> { }, () -> false);
    }

    private static Path withEvents(Path dir, boolean dropFirst) throws IOException {
        Path src = SampleBundles.sample("conntrack-race-udp");
        try (var files = Files.list(src)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        List<String> entries = Files.readAllLines(src.resolve("conntrack-L.txt")).stream().filter(l -> !l.isBlank())
                .skip(dropFirst ? 1 : 0).toList();
        Files.writeString(dir.resolve("ct-events.txt"), entries.stream().map(l -> "    [NEW] " + l + "\n")
                .collect(Collectors.joining()));
        return dir;
    }

    @Test
    void raceLosersTheReplayKeptAreReplyDifferencesNamingTheRace(@TempDir Path dir) throws IOException {
        Bundle b = BundleLoader.loadDirectory(withEvents(dir, false));
        AnalysisResult r = analyze(b);
        KernelEventComparison c = KernelEventComparer.compare(b.conntrackEvents(), r.flows(), Map.of(), r.races());
        assertEquals(b.conntrack().size(), c.events());
        assertEquals(c.events(), c.compared(), "every confirmed entry has the replay's connection of its tuple");
        assertFalse(c.differences().isEmpty(), "the replay kept the other endpoint for some raced tuples");
        Set<Long> raceFrames = r.races().stream().filter(x -> x.kind() == RaceEvidence.Kind.UDP_SAME_TUPLE)
                .map(RaceEvidence::earlierFrame).collect(Collectors.toSet());
        for (KernelEventDifference d : c.differences()) {
            assertEquals(KernelEventDifference.Kind.REPLY_TUPLE, d.kind());
            assertTrue(d.location().startsWith("ct-events.txt:"), d.location());
            assertTrue(d.pktpath().contains("RACE_UDP_INSERT"), d.pktpath());
            assertTrue(raceFrames.contains(d.frame()), d + " " + raceFrames);
        }
        assertEquals(c.compared() - c.differences().size(), c.equal());
        Finding f = r.findings().stream().filter(x -> x.code().equals(Codes.CONNTRACK_EVENTS_DIFFER)).findFirst()
                .orElseThrow();
        assertEquals(FindingSeverity.WARNING, f.severity());
        assertEquals(c.differences().stream().map(KernelEventDifference::frame).sorted().toList(), f.frames());
        assertEquals("conntrack -E NEW: " + c.counts() + ", " + c.differences().size() + " difference(s)",
                f.evidence().get(0));
    }

    @Test
    void aConnectionWithoutItsNewEventIsOneTheKernelNeverAnnounced(@TempDir Path dir) throws IOException {
        Bundle b = BundleLoader.loadDirectory(withEvents(dir, true));
        AnalysisResult r = analyze(b);
        KernelEventComparison c = KernelEventComparer.compare(b.conntrackEvents(), r.flows(), Map.of(), r.races());
        List<KernelEventDifference> missing = c.differences().stream()
                .filter(d -> d.kind() == KernelEventDifference.Kind.NOT_ANNOUNCED).toList();
        assertEquals(1, missing.size(), c.differences().toString());
        String dropped = Files.readAllLines(SampleBundles.sample("conntrack-race-udp").resolve("conntrack-L.txt")).get(0);
        String sport = dropped.replaceAll(".* sport=(\\d+) dport=53 .*", "$1");
        assertEquals("udp 10.244.1.2:" + sport + " -> 10.96.0.50:53", missing.get(0).tuple());
        assertEquals("", missing.get(0).location());
        assertTrue(missing.get(0).pktpath().contains("from frame " + missing.get(0).frame()), missing.get(0).pktpath());
    }

    @Test
    void aBundleWithoutEventsMakesNoFinding() throws IOException {
        AnalysisResult r = analyze(BundleLoader.loadDirectory(SampleBundles.sample("conntrack-race-udp")));
        assertTrue(r.bundle().conntrackEvents().isEmpty());
        assertTrue(r.findings().stream().noneMatch(f -> f.code().equals(Codes.CONNTRACK_EVENTS_DIFFER)));
    }
}
