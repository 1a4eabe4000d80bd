package io.pktpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pktpath bench} on a small generated workload: it parses, replays and reports its figures. */
class BenchCommandTest {
    @Test
    void smallWorkloadReportsParseFirstPacketAndThroughput(@TempDir Path dir) {
        Cli.Result r = Cli.run("bench", "--dir", dir.toString(), "--services", "20", "--frames", "2000");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("parse iptables-save: "), r.out());
        assertTrue(r.out().contains("first packet of a new connection"), r.out());
        assertTrue(r.out().contains("pktpath full analysis: 2000 frames in"), r.out());
    }

    @Test
    void nftablesModeTimesTheNftRulesetAndReplaysTheSameTraffic(@TempDir Path dir) {
        Cli.Result r = Cli.run("bench", "--dir", dir.toString(), "--services", "20", "--frames", "2000", "--nft");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("nft ruleset: "), r.out());
        assertTrue(r.out().contains("8 base chains replayed"), r.out());
        assertTrue(r.out().contains("pktpath full analysis: 2000 frames in"), r.out());
        assertTrue(r.out().contains("dispositions {FORWARDED=2000}"), r.out());
    }

    @Test
    void aNonNumericSizeIsAUsageError() {
        Cli.Result r = Cli.run("bench", "--frames", "many");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--frames must be a positive whole number, not 'many'"), r.err());
    }
}
