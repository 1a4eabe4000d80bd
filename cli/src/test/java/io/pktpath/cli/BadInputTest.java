package io.pktpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's mistake gets one message naming the thing and what was expected, the documented exit code, no stack trace. */
class BadInputTest {
    @TempDir
    Path tmp;

    private static void fails(Cli.Result r, int exit, String err) {
        assertEquals(err, r.err().strip());
        assertEquals(exit, r.exit());
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }

    @Test
    void missingBundle() {
        fails(Cli.run("analyze", "/nonexistent/bundle"), 3, "pktpath: /nonexistent/bundle: no such file or directory"
                + " (expected a bundle directory, a .tar/.tar.gz/.tgz/.tar.xz/.zip archive, or a single dump or capture file)");
    }

    @Test
    void missingNamedFile() {
        fails(Cli.run("analyze", "--rules", "/nonexistent/rules.txt"), 3,
                "pktpath: --rules /nonexistent/rules.txt: no such file");
    }

    @Test
    void unreadableArchive() throws IOException {
        Path archive = tmp.resolve("bundle.tar.gz");
        Files.write(archive, new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
        Cli.Result r = Cli.run("analyze", archive.toString());
        assertEquals(3, r.exit());
        assertTrue(r.err().startsWith("pktpath: " + archive + ": corrupt or unreadable tar.gz archive: "), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void captureThatIsNotACapture() throws IOException {
        Path fake = tmp.resolve("fake.pcap");
        Files.writeString(fake, "this is not a capture\n", StandardCharsets.UTF_8);
        Cli.Result r = Cli.run("analyze", Cli.bundle("clusterip-tcp"), "--capture", fake.toString(), "--summary-only");
        assertEquals(3, r.exit(), r.err());
        assertTrue(r.err().startsWith("pktpath: fake.pcap: at byte 0: "), r.err());
        assertTrue(r.err().contains("(expected: "), r.err());
        assertTrue(r.out().contains("capture problems:"), "the summary is still printed: " + r.out());
    }

    @Test
    void aDumpWithManyErrorsShowsTheFirstHundredInTheSummaryAndCountsTheRest() throws IOException {
        StringBuilder dump = new StringBuilder("*filter\n:INPUT ACCEPT [0:0]\n");
        for (int port = 1; port <= 120; port++) {
            dump.append("-A INPUT -p tcp --dport ").append(port).append(" -j NOSUCHTARGET\n");
        }
        Path rules = tmp.resolve("rules.txt");
        Files.writeString(rules, dump.append("COMMIT\n").toString(), StandardCharsets.UTF_8);
        Cli.Result r = Cli.run("analyze", "--rules", rules.toString(), "--summary-only");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("diagnostics (120):\n"), r.out());
        assertEquals(100, r.out().lines().filter(l -> l.contains(": error[IPT009]: ")).count(), r.out());
        assertTrue(r.out().contains("rules.txt:102:"), "the hundredth error (line 102) is shown: " + r.out());
        assertFalse(r.out().contains("rules.txt:103:"), r.out());
        assertTrue(r.out().contains("  ... 20 more ('pktpath rules check' lists every diagnostic)\n"), r.out());
    }

    @Test
    void rulesFileWithErrorsIsStillChecked() throws IOException {
        Path rules = tmp.resolve("rules.txt");
        Files.writeString(rules, "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 99999 -j DROP\n"
                + "-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n", StandardCharsets.UTF_8);
        Cli.Result r = Cli.run("rules", "check", rules.toString());
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("""
                rules.txt:3:25: error[IPT007]: port 99999 in '99999' is above 65535 (expected: a port 0-65535)
                    -A INPUT -p tcp --dport 99999 -j DROP
                                            ^
                1 error, 0 warnings, 0 notes
                """), r.out());
        assertTrue(r.out().contains("    INPUT policy ACCEPT, 1 rule\n"), "the good rule is kept: " + r.out());
        assertEquals(1, Cli.run("rules", "check", rules.toString(), "--strict").exit());
    }

    @Test
    void unknownOption() {
        fails(Cli.run("analyze", Cli.bundle("clusterip-tcp"), "--colour"), 2,
                "pktpath: analyze: unknown option '--colour' (see 'pktpath analyze --help')");
    }

    @Test
    void unknownCommand() {
        fails(Cli.run("analyse", "x"), 2, "pktpath: unknown command 'analyse'; the commands are: analyze, explain, trace,"
                + " flows, rules check, rules hits, verify, bench (see 'pktpath --help')");
    }

    @Test
    void frameOutOfRange() {
        fails(Cli.run("explain", Cli.bundle("no-endpoints-reject"), "99"), 2,
                "pktpath: frame 99 is out of range: capture.pcap has 13 frames (1-13)");
    }

    @Test
    void frameNotANumber() {
        fails(Cli.run("explain", Cli.bundle("no-endpoints-reject"), "x1"), 2, "pktpath: explain: FRAME 'x1' is not a frame"
                + " number (expected 1, 2, ... as the first column of 'pktpath analyze' shows)");
    }

    @Test
    void emptyBundle() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("empty"));
        Files.writeString(dir.resolve("notes.txt"), "nothing useful\n", StandardCharsets.UTF_8);
        fails(Cli.run("analyze", dir.toString()), 3, "pktpath: " + dir + ": no pktpath input found (expected iptables-save,"
                + " ip addr/route/rule/neigh, sysctl, ipset save, conntrack -L or a pcap/pcapng capture)\n"
                + "  ignored notes.txt: not a known input (text without iptables/ip/sysctl/ipset/conntrack/trace markers)");
    }

    @Test
    void badFrameRange() {
        fails(Cli.run("analyze", Cli.bundle("no-endpoints-reject"), "--frames", "5-2"), 2, "pktpath: --frames 5-2: '5-2'"
                + " is not a frame range (expected N, N-M or N-, frames counted from 1, e.g. --frames 10-20,35)");
    }

    @Test
    void badDirection() {
        fails(Cli.run("analyze", Cli.bundle("no-endpoints-reject"), "--dir", "sideways"), 2,
                "pktpath: --dir sideways: expected 'in' or 'out'");
    }

    @Test
    void traceNeedsTheEnteringInterfaceForAnAddressOfTheNode() {
        fails(Cli.run("trace", Cli.bundle("route-errors"), "--src", "172.18.0.2", "--dst", "10.9.9.9", "--proto", "tcp",
                "--dport", "80"), 2, "pktpath: trace: say where the packet enters: --in IFACE (the node has"
                + " cali62608e08adc, eth0, lo) or --local for a packet the node sends (--src 172.18.0.2 is an address of"
                + " this node)");
    }

    @Test
    void traceMissingSource() {
        fails(Cli.run("trace", "--rules", Cli.bundle("clusterip-tcp") + "/iptables-save.txt", "--dst", "10.96.0.10",
                "--proto", "tcp", "--dport", "80"), 2, "pktpath: trace: missing --src (see 'pktpath trace --help')");
    }

    @Test
    void badFormat() {
        fails(Cli.run("flows", Cli.bundle("clusterip-tcp"), "--format", "xml"), 2,
                "pktpath: flows: --format xml is not supported (expected text, json)");
        fails(Cli.run("verify", Cli.bundle("clusterip-tcp"), "--format", "xml"), 2,
                "pktpath: verify: --format xml is not supported (expected text, json)");
    }

    @Test
    void noInputAtAll() {
        fails(Cli.run("analyze"), 2, "pktpath: no input: give a BUNDLE (a directory, an archive or a file) or files with"
                + " --rules, --capture, --addr, ...");
    }

    @Test
    void verifyWithoutTraceLog() {
        fails(Cli.run("verify", Cli.bundle("clusterip-tcp") + "/iptables-save.txt"), 3, "pktpath: " + Cli.bundle("clusterip-tcp")
                .replace(Cli.root().toString(), "$ROOT") + "/iptables-save.txt: no netfilter trace log in the bundle"
                + " (expected trace.txt, the output of xtables-monitor --trace, recorded with the capture)");
    }

    /** A copy of a sample bundle in the temporary directory. */
    private Path copyOf(String bundle) throws IOException {
        Path copy = tmp.resolve(bundle);
        Files.createDirectories(copy);
        try (var files = Files.list(Path.of(Cli.bundle(bundle)))) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        return copy;
    }

    /** Writes {@code bad} over the bytes of line {@code line} (1-based) of a file, from its column {@code column}. */
    private static void overwrite(Path file, int line, int column, byte[] bad) throws IOException {
        byte[] b = Files.readAllBytes(file);
        int at = 0;
        for (int l = 1; l < line; l++) {
            while (b[at] != '\n') {
                at++;
            }
            at++;
        }
        System.arraycopy(bad, 0, b, at + column - 1, bad.length);
        Files.write(file, b);
    }

    @Test
    void aTraceLogLineThatIsNotUtf8IsReportedAndSkipped() throws IOException {
        // found by CorruptedBundleTest: verify read trace.txt strictly as UTF-8 and exited 4 ("Input length = 1")
        Path bundle = copyOf("clusterip-tcp");
        overwrite(bundle.resolve("trace.txt"), 3, 3, new byte[] {(byte) 0xff});
        Cli.Result r = Cli.run("verify", bundle.toString(), "--no-color");
        assertEquals(1, r.exit(), r.err());
        assertFalse(r.err().contains("this is a bug"), r.err());
        assertTrue(r.out().contains("note: trace.txt:3:1: warning[TRC001]: not a PACKET: or TRACE: line; skipped"),
                r.out());
    }

    @Test
    void anNftTraceOrScenarioEnvThatIsNotUtf8IsStillVerified() throws IOException {
        // found by CorruptedBundleTest: verify read nft-trace.txt, nft-ruleset.txt and scenario.env strictly as UTF-8
        Path bundle = copyOf("nft-native-firewall");
        overwrite(bundle.resolve("nft-trace.txt"), 2, 5, new byte[] {(byte) 0xff, (byte) 0xfe});
        Files.write(bundle.resolve("scenario.env"), new byte[] {'X', '=', (byte) 0xc3, '\n'});
        Cli.Result r = Cli.run("verify", bundle.toString(), "--no-color");
        assertFalse(r.err().contains("this is a bug"), r.err());
        assertTrue(r.exit() == 0 || r.exit() == 1, r.err());
        assertTrue(r.out().startsWith("verify nft-native-firewall\nkernel packets: "), r.out());
        assertTrue(r.out().contains("note: nft-trace.txt:2:1: warning[TRC003]: not a line of nft monitor trace; skipped"
                + " (expected: trace id ID ip|ip6|inet|netdev|bridge|arp TABLE CHAIN packet:|rule|policy ...)\n"),
                r.out());
    }
}
