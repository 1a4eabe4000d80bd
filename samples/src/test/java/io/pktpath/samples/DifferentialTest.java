package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.verify.Difference;
import io.pktpath.core.verify.HitDifference;
import io.pktpath.core.verify.UntiedPacket;
import io.pktpath.core.verify.Verifier;
import io.pktpath.core.verify.VerifyReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays every recorded bundle that has a kernel trace and checks pktpath against what the kernel did: every traced
 * packet's TRACE steps, its NAT and egress, and every rule's and policy's counter delta. The kernel is right: whatever
 * pktpath gets wrong and is not fixed yet is listed, with the reason, in {@code known-differences/<bundle>.txt}, and the
 * test fails when the list changes in either direction (a new difference, or a listed one that went away).
 */
class DifferentialTest {
    static List<Path> tracedBundles() {
        return RecordedBundles.traced();
    }

    @Test
    void findsTheRecordedBundles() {
        assertTrue(tracedBundles().size() >= 20, "traced bundles found: " + tracedBundles());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tracedBundles")
    void pktpathAgreesWithTheKernel(Path bundle) throws IOException {
        VerifyReport report = Verifier.verify(bundle);
        String name = bundle.getFileName().toString();
        assertTrue(report.kernelPackets() > 0, name + ": trace.txt has no packets");
        assertTrue(report.compared() > 0, name + ": no traced packet was tied to a frame\n" + report.text());
        assertTrue(report.hitsCompared() > 0, name + ": no counters compared");
        System.out.printf("verify %s: kernel packets %d, compared %d, equal %d; counters compared %d, equal %d%n", name,
                report.kernelPackets(), report.compared(), report.equal(), report.hitsCompared(), report.hitsEqual());
        KnownDifferences known = KnownDifferences.of(name);
        assertEquals(known.lines(), observed(report), name + ": differences changed; full report:\n" + report.text());
    }

    /** Every difference, untied packet and counter difference as one line each, in report order. */
    static List<String> observed(VerifyReport report) {
        List<String> lines = new ArrayList<>();
        for (Difference d : report.differences()) {
            lines.add(d.key());
        }
        for (UntiedPacket u : report.untied()) {
            lines.add("no frame for " + u.kernelLine() + " " + u.header() + ": " + u.reason());
        }
        for (HitDifference h : report.hitDifferences()) {
            lines.add("counter " + h.describe());
        }
        return lines;
    }

    @Test
    void everyKnownDifferenceFileNamesATracedBundleAndGivesReasons() throws IOException {
        List<String> names = tracedBundles().stream().map(p -> p.getFileName().toString()).toList();
        for (String file : KnownDifferences.files()) {
            assertTrue(names.contains(file), "known-differences/" + file + ".txt has no traced bundle");
            KnownDifferences known = KnownDifferences.of(file);
            assertFalse(known.lines().isEmpty(), file + ": empty known-differences file");
            assertTrue(known.everyLineHasAReason(), file + ": a difference without a '# reason:' above it");
        }
    }
}
