package io.pktpath.samples;

import static io.pktpath.samples.NftChainTrace.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.verify.Verifier;
import io.pktpath.core.verify.VerifyReport;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * bundles/nft-set-full replayed: plain {@code add} and {@code update} (no stateful expression) on the dynamic set
 * {@code s} of size 2, each followed by a drop for its port. Every datagram is compared, in order, with the rule
 * nft-trace.txt says took it (the set statement's rule, or, once the set was full, the next rule), the rules' counters
 * with the kernel's listing, and the datagrams the set refused carry a note naming the set and its size.
 */
class NftSetFullReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("nft-set-full");
    private static final String TABLE = "inet pkp_fs";
    private static final Pattern COUNTERS = Pattern.compile(" counter packets \\d+ bytes \\d+");
    private static final Pattern LISTED = Pattern.compile("^\\s*(udp dport .*) counter packets (\\d+) bytes \\d+(.*?)"
            + " # handle \\d+$");

    /** A datagram ({@code udp 172.18.0.1:42001>7001}) and the rule that took it, without its counter. */
    record Seen(String packet, String decision) {
    }

    private static String normal(String rule) {
        return COUNTERS.matcher(rule).replaceAll("").replace(" counter ", " ").strip();
    }

    private static List<Seen> kernel() throws IOException {
        return NftChainTrace.read(DIR.resolve("nft-trace.txt"), TABLE + " input",
                line -> field(line, "ip protocol").equals("udp") ? "udp " + field(line, "ip saddr") + ":"
                        + field(line, "udp sport") + ">" + field(line, "udp dport") : field(line, "ip protocol") + " "
                        + field(line, "ip saddr"),
                NftSetFullReplayTest::normal).stream().filter(d -> d.packet().startsWith("udp "))
                .map(d -> new Seen(d.packet(), d.decision())).toList();
    }

    private static List<PacketTrace> inbound() throws IOException {
        return CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap")).stream()
                .filter(t -> t.packet().dir().equals("in") && t.packet().proto() == Packet.UDP
                        && t.packet().dst().map(Object::toString).orElse("").equals("172.18.0.2")).toList();
    }

    private static Optional<RuleStep> nativeStep(PacketTrace t) {
        return t.path().stream().filter(s -> s instanceof RuleStep r && r.rule().table().equals(TABLE))
                .map(s -> (RuleStep) s).reduce((a, b) -> b);
    }

    private static List<Seen> replayed(List<PacketTrace> traces) {
        List<Seen> out = new ArrayList<>();
        for (PacketTrace t : traces) {
            PacketSummary p = t.packet();
            out.add(new Seen("udp " + p.src().map(Object::toString).orElse("?") + ":" + p.sport() + ">" + p.dport(),
                    nativeStep(t).map(r -> normal(r.rule().text())).orElse("policy accept")));
        }
        return out;
    }

    @Test
    void everyDatagramTakesTheRuleTheKernelTookItWith() throws IOException {
        Bundle b = BundleLoader.loadDirectory(DIR);
        assertTrue(b.nftReplay().refusal(TABLE + " input").isEmpty(), b.nftReplay().refusal(TABLE + " input")
                .toString());
        List<Seen> kernel = kernel();
        assertEquals(10, kernel.size(), "the 10 datagrams of plan.txt: " + kernel);
        assertEquals(kernel, replayed(inbound()));
    }

    @Test
    void theRulesCountersAreTheKernelsAndTheRefusedDatagramsSaySoInANote() throws IOException {
        VerifyReport report = Verifier.verify(DIR);
        assertEquals(report.kernelPackets(), report.compared(), report.text());
        assertEquals(report.compared(), report.equal(), report.text());
        assertEquals(report.hitsCompared(), report.hitsEqual(), report.text());
        // the listing's counters of the four port rules against the replay's hits of them
        List<String> kernel = new ArrayList<>();
        for (String line : Files.readAllLines(DIR.resolve("nft-ruleset.txt"))) {
            Matcher m = LISTED.matcher(line);
            if (m.matches()) {
                kernel.add(normal(m.group(1) + m.group(3)) + " = " + m.group(2));
            }
        }
        List<PacketTrace> traces = inbound();
        List<String> replay = new ArrayList<>();
        for (String k : kernel) {
            String rule = k.substring(0, k.lastIndexOf(" = "));
            replay.add(rule + " = " + traces.stream().filter(t -> nativeStep(t).map(r -> normal(r.rule().text())
                    .equals(rule)).orElse(false)).count());
        }
        assertEquals(4, kernel.size(), kernel.toString());
        assertEquals(kernel, replay);
        // each datagram the next rule dropped was refused by the full set: its note names the set and its size
        for (PacketTrace t : traces) {
            boolean dropped = nativeStep(t).map(r -> r.rule().text().contains(" drop")).orElse(false);
            assertEquals(dropped, t.notes().stream().anyMatch(n -> n.startsWith("@s is full (2 live element(s), its"
                    + " size 2)")), t.packet().info() + " " + t.notes());
        }
    }
}
