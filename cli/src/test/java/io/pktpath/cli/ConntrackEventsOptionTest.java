package io.pktpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --conntrack-events FILE} names a {@code conntrack -E} log like the other per-file options: analyze reads it
 * beside the files named one by one and reports CONNTRACK_EVENTS_DIFFER when it disagrees with the replay; {@code verify}
 * on the recorded bundle prints the events' counts.
 */
class ConntrackEventsOptionTest {
    @TempDir
    Path tmp;

    private static String file(String name) {
        return Cli.bundle("conntrack-events") + "/" + name;
    }

    private Cli.Result analyze(String events) {
        return Cli.run("analyze", "--rules", file("iptables-save.txt"), "--addr", file("ip-addr.txt"), "--link",
                file("ip-link.txt"), "--routes", file("ip-route.txt"), "--ip-rule", file("ip-rule.txt"), "--neigh",
                file("ip-neigh.txt"), "--sysctl", file("sysctl.txt"), "--conntrack", file("conntrack-L.txt"),
                "--capture", file("capture.pcap"), "--conntrack-events", events, "--summary-only", "--no-color");
    }

    @Test
    void theRecordedEventsAgreeWithTheReplay() {
        Cli.Result r = analyze(file("conntrack-events.txt"));
        assertEquals(0, r.exit(), r.err());
        assertFalse(r.out().contains("CONNTRACK_EVENTS_DIFFER"), r.out());
    }

    @Test
    void rulesCheckListsTheEventsFileRecognizedByContent() {
        Cli.Result r = Cli.run("rules", "check", Cli.bundle("conntrack-events"), "--no-color");
        assertTrue(r.out().contains("found conntrack-events.txt: conntrack -E (events)\n"), r.out());
        assertTrue(r.out().contains("found conntrack-L.txt: conntrack -L\n"), r.out());
    }

    @Test
    void aDoctoredEventIsAFindingNamingItsLine() throws IOException {
        List<String> lines = Files.readAllLines(Path.of(file("conntrack-events.txt")));
        int index = 0;
        while (!(lines.get(index).contains("[NEW] udp") && lines.get(index).contains("dport=53"))) {
            index++;
        }
        String line = lines.get(index);
        lines.set(index, line.contains("src=10.244.1.3 dst=10.244.1.2")
                ? line.replace("src=10.244.1.3 dst=10.244.1.2", "src=10.244.1.4 dst=10.244.1.2")
                : line.replace("src=10.244.1.4 dst=10.244.1.2", "src=10.244.1.3 dst=10.244.1.2"));
        Path events = tmp.resolve("ct-events.log");
        Files.write(events, lines);
        Cli.Result r = analyze(events.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("CONNTRACK_EVENTS_DIFFER"), r.out());
        assertTrue(r.out().contains("ct-events.log:" + (index + 1) + " reply tuple udp 10.244.1.2:"), r.out());
    }

    @Test
    void verifyPrintsTheEventsCounts() {
        Cli.Result r = Cli.run("verify", Cli.bundle("conntrack-events"));
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("conntrack events (conntrack -E NEW): events 11, compared 11, equal 11\n"), r.out());
    }
}
