package io.pktpath.parser.conntrack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.diag.Parsed;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code /proc/net/stat/nf_conntrack} reads into the same per-CPU counters as {@code conntrack -S} taken from the same
 * namespace a moment before (both printed by Linux 6.18), under conntrack -S's names; a bad row is one diagnostic.
 */
class ConntrackStatsParserTest {
    private static String fixture(String name) throws IOException {
        try (InputStream in = ConntrackStatsParserTest.class.getResourceAsStream("stats/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void procStatReadsAsConntrackS() throws IOException {
        Parsed<ConntrackStats> cli = ConntrackStatsParser.parse("conntrack-S.txt", fixture("conntrack-S.txt"));
        Parsed<ConntrackStats> proc = ConntrackStatsParser.parse("nf_conntrack",
                fixture("proc-net-stat-nf_conntrack.txt"));
        assertEquals(0, cli.diagnostics().size());
        assertEquals(0, proc.diagnostics().size());
        assertEquals(2, proc.value().cpus().size());
        assertEquals(10, proc.value().cpus().get(0).get("invalid"));
        for (int cpu = 0; cpu < 2; cpu++) {
            ConntrackStats.CpuCounters expected = cli.value().cpus().get(cpu);
            ConntrackStats.CpuCounters actual = proc.value().cpus().get(cpu);
            assertEquals(expected.cpu(), actual.cpu());
            for (String name : expected.counters().keySet()) {
                assertTrue(actual.counters().containsKey(name), "no " + name + " in " + actual.counters().keySet());
                assertEquals(expected.get(name), actual.get(name), name + " on cpu " + cpu);
            }
        }
        assertTrue(!proc.value().cpus().get(0).counters().containsKey("entries"), "entries is the table's size");
    }

    @Test
    void aShortOrNonHexRowIsOneDiagnosticAndTheOthersAreRead() throws IOException {
        String[] lines = fixture("proc-net-stat-nf_conntrack.txt").split("\n");
        String text = lines[0] + "\n00000001 0000000a\n" + lines[1].replace("0000000a", "zz") + "\n" + lines[2] + "\n";
        Parsed<ConntrackStats> p = ConntrackStatsParser.parse("nf_conntrack", text);
        assertEquals(2, p.diagnostics().size(), p.diagnostics().toString());
        assertEquals(2, p.diagnostics().get(0).span().line());
        assertEquals("a row of 2 values under 17 columns", p.diagnostics().get(0).message());
        assertTrue(p.diagnostics().get(0).expected().startsWith("17 hexadecimal counters"),
                p.diagnostics().get(0).expected());
        assertEquals(3, p.diagnostics().get(1).span().line());
        assertTrue(p.diagnostics().get(1).message().startsWith("a counter that is not hexadecimal in "),
                p.diagnostics().get(1).message());
        assertEquals(1, p.value().cpus().size());
        assertEquals(2, p.value().cpus().get(0).cpu(), "the third row is the third CPU's");
    }
}
