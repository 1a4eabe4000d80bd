package io.pktpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An emptied input (a 0-byte capture, trace log, counter snapshot or dump) is named by every command, in analyze's
 * words ({@code ignored FILE: empty file}, with what it should hold when an option named it) and with what is missing
 * because of it; a recorded bundle's legitimately empty dumps add nothing to flows, explain or verify.
 */
class EmptyInputTest {
    @TempDir
    Path tmp;

    private Path copyWithEmpty(String bundle, String file) throws IOException {
        Path dir = tmp.resolve(bundle + "-" + file);
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(Path.of(Cli.bundle(bundle)))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Files.write(dir.resolve(file), new byte[0]);
        return dir;
    }

    @Test
    void flowsNamesAnEmptiedCapture() throws IOException {
        Cli.Result r = Cli.run("flows", copyWithEmpty("clusterip-tcp", "capture.pcap").toString(), "--no-color");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("pktpath: note: ignored capture.pcap: empty file\n"), r.err());
        assertTrue(r.err().contains("pktpath: note: missing: no capture: no packets to replay\n"), r.err());
        assertEquals("0 flows", r.out().strip());
        // a recorded bundle's empty dumps (no IPv6 rules, an empty conntrack table) add nothing
        Cli.Result intact = Cli.run("flows", Cli.bundle("clusterip-tcp"), "--no-color");
        assertEquals("", intact.err());
    }

    @Test
    void verifyNamesAnEmptiedCaptureTraceOrCounterSnapshot() throws IOException {
        Cli.Result capture = Cli.run("verify", copyWithEmpty("clusterip-tcp", "capture.pcap").toString(), "--no-color");
        assertEquals(ExitCode.FINDINGS, capture.exit(), capture.err());
        assertTrue(capture.out().contains("\nnote: ignored capture.pcap: empty file\n"), capture.out());
        assertTrue(capture.out().contains("\nnote: missing: no capture: no packets to replay\n"), capture.out());

        Path traceDir = copyWithEmpty("clusterip-tcp", "trace.txt");
        Cli.Result trace = Cli.run("verify", traceDir.toString(), "--no-color");
        assertEquals(ExitCode.INPUT, trace.exit());
        assertTrue(trace.err().strip().startsWith("pktpath: " + traceDir + ": no netfilter trace log in the bundle"
                + " (expected trace.txt, the output of xtables-monitor --trace, recorded with the capture)"), trace.err());
        assertTrue(trace.err().contains("; ignored trace.txt: empty file"), trace.err());

        Cli.Result after = Cli.run("verify", copyWithEmpty("clusterip-tcp", "iptables-save-c-after.txt").toString(),
                "--no-color");
        assertTrue(after.out().contains("rule/policy counters compared: 0, equal: 0"), after.out());
        assertTrue(after.out().contains("\nnote: IPv4 rule counters not compared: the iptables-save -c snapshot after the"
                + " capture is missing; ") && after.out().contains("; ignored iptables-save-c-after.txt: empty file"),
                after.out());

        Cli.Result intact = Cli.run("verify", Cli.bundle("clusterip-tcp"), "--no-color");
        assertFalse(intact.out().contains("empty file"), intact.out());
    }

    @Test
    void aFileNamedWithItsOptionAndEmptiedIsNamedWithWhatItShouldHold() throws IOException {
        Path empty = tmp.resolve("rules.txt");
        Files.write(empty, new byte[0]);
        Cli.Result alone = Cli.run("analyze", "--rules", empty.toString());
        assertEquals(ExitCode.INPUT, alone.exit());
        assertTrue(alone.err().contains("\n  ignored rules.txt: empty file (expected iptables-save output)"), alone.err());

        Path routes = tmp.resolve("routes.txt");
        Files.write(routes, new byte[0]);
        String bundle = Cli.bundle("no-endpoints-reject");
        Cli.Result explain = Cli.run("explain", "1", "--rules", bundle + "/iptables-save.txt", "--capture",
                bundle + "/capture.pcap", "--routes", routes.toString(), "--no-color");
        assertEquals(0, explain.exit(), explain.err());
        assertEquals("pktpath: note: ignored routes.txt: empty file (expected ip route output)", explain.err().strip());

        Cli.Result trace = Cli.run("trace", "--rules", empty.toString(), "--src", "10.0.0.1", "--dst", "10.0.0.2",
                "--proto", "tcp", "--dport", "80");
        assertEquals(ExitCode.INPUT, trace.exit());
        assertEquals("pktpath: --rules " + empty + ": empty file (expected *filter/*nat tables with -A rules, as"
                + " iptables-save prints them)", trace.err().strip());
    }
}
