package io.pktpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that takes a bundle, on the iptables-legacy-nft recording (the kernel ran the legacy tables first) and
 * with {@code --nft-first}: each reads the legacy ruleset and the order given. Expectations from the recording: the
 * kernel's counters (iptables-save -c and iptables-legacy-save -c before/after) and probes.txt (172.18.0.1:43003's
 * connection to 172.18.0.2:80 reached web:8080 through the legacy DNAT).
 */
class LegacyBundleCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUNDLE = Cli.bundle("iptables-legacy-nft");

    @TempDir
    Path dir;

    private static Cli.Result run(String... args) {
        return Cli.run(args);
    }

    private static Cli.Result ok(String... args) {
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.exit(), String.join(" ", args) + ": " + r.err());
        return r;
    }

    /** The kernel steps of a JSON trace object, as "table chain #rule|policy backend". */
    private static List<String> steps(JsonNode trace) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : trace.get("steps")) {
            out.add(s.get("table").asText() + " " + s.get("chain").asText() + " "
                    + (s.get("rule").isNull() ? "policy" : "#" + s.get("rule").asInt())
                    + (s.has("backend") ? " " + s.get("backend").asText() : ""));
        }
        return out;
    }

    @Test
    void jsonStepsNameTheLegacyBackend() throws Exception {
        for (String format : List.of("json", "jsonl")) {
            Cli.Result r = ok("analyze", BUNDLE, "--format", format, "--frames", "49");
            JsonNode frame = format.equals("json") ? JSON.readTree(r.out()).get("frames").get(0)
                    : JSON.readTree(r.out().lines().findFirst().orElseThrow());
            assertEquals(49, frame.get("frame").asInt());
            List<String> steps = steps(frame);
            assertTrue(steps.contains("legacy nat PREROUTING #2 iptables-legacy"), steps.toString());
            for (String s : steps) {
                assertEquals(s.startsWith("legacy "), s.endsWith(" iptables-legacy"), s);
            }
        }
        Cli.Result hits = ok("rules", "hits", BUNDLE, "--format", "json");
        int legacy = 0;
        for (JsonNode row : JSON.readTree(hits.out()).get("rules")) {
            boolean named = row.get("table").asText().startsWith("legacy ");
            assertEquals(named, row.has("backend"), row.toString());
            if (named) {
                assertEquals("iptables-legacy", row.get("backend").asText());
                legacy++;
            }
        }
        assertTrue(legacy >= 6, legacy + " legacy rows");
    }

    @Test
    void analyzeAndExplainFollowTheOrder() throws Exception {
        assertTrue(ok("analyze", BUNDLE).out().contains("at each hook and equal priority the legacy table first"));
        assertTrue(ok("analyze", BUNDLE, "--nft-first").out()
                .contains("at each hook and equal priority iptables-nft's chain first, as --nft-first says"));
        // frame 49: 172.18.0.1:43003's SYN to 172.18.0.2:80, which the kernel sent to web:8080
        String recorded = ok("explain", BUNDLE, "49").out();
        assertTrue(recorded.contains("DNAT 172.18.0.1:43003 -> 172.18.0.2:80  =>  172.18.0.1:43003 -> 10.244.1.3:8080"
                + "  by legacy nat PREROUTING #2"), recorded);
        JsonNode other = JSON.readTree(ok("explain", BUNDLE, "49", "--nft-first", "--format", "json").out());
        assertTrue(steps(other).contains("nat PREROUTING #1"), steps(other).toString());
        assertFalse(steps(other).contains("legacy nat PREROUTING #2 iptables-legacy"), steps(other).toString());
    }

    @Test
    void rulesCheckSaysTheOrder() throws Exception {
        assertTrue(ok("rules", "check", BUNDLE).out().contains("iptables-legacy (IPv4, replayed beside iptables-nft's,"
                + " each table first at its priority): 3 tables, 6 rules"));
        assertTrue(ok("rules", "check", BUNDLE, "--nft-first").out().contains("iptables-legacy (IPv4, replayed beside"
                + " iptables-nft's, after iptables-nft's chain of the same priority (--nft-first)): 3 tables, 6 rules"));
        JsonNode contents = JSON.readTree(ok("rules", "check", BUNDLE, "--format", "json").out()).get("contents");
        assertTrue(contents.get("legacyFirst").asBoolean());
        assertEquals(3, contents.get("iptablesLegacy").get("tables").size());
        assertFalse(JSON.readTree(ok("rules", "check", BUNDLE, "--nft-first", "--format", "json").out())
                .get("contents").get("legacyFirst").asBoolean());
        Cli.Result refused = run("rules", "check", Cli.bundle("clusterip-tcp"), "--nft-first");
        assertEquals(2, refused.exit(), refused.err());
    }

    @Test
    void rulesHitsAndVerifyAgreeWithTheKernelOnlyInItsOrder() throws Exception {
        // the recording's order: every counter of both backends as the kernel's deltas
        assertEquals(0, run("rules", "hits", BUNDLE, "--fail-on", "error").exit());
        Cli.Result verified = ok("verify", BUNDLE);
        assertTrue(verified.out().contains("rule/policy counters compared: 39, equal: 39"), verified.out());
        assertTrue(verified.out().contains("note: replayed with the iptables-legacy tables first"), verified.out());
        // the other order: iptables-nft's DNAT to 8081 maps first, the legacy nat rule #2 never counts
        Cli.Result hits = run("rules", "hits", BUNDLE, "--nft-first", "--fail-on", "error");
        assertEquals(1, hits.exit(), hits.err());
        assertTrue(hits.out().contains("legacy nat PREROUTING #2 (iptables-legacy-save.txt:17)"), hits.out());
        Cli.Result other = run("verify", BUNDLE, "--nft-first", "--format", "json");
        assertEquals(1, other.exit(), other.err());
        JsonNode report = JSON.readTree(other.out());
        assertFalse(report.get("agrees").asBoolean());
        assertTrue(other.out().contains("legacy nat"), "a legacy counter differs");
        assertTrue(report.get("notes").toString().contains("replayed with iptables-nft's chains first"), other.out());
        assertEquals(2, run("verify", Cli.bundle("clusterip-tcp"), "--nft-first").exit());
    }

    @Test
    void verifyComparesTheLegacyCountersWithoutTheMainSnapshots() throws Exception {
        Path copy = dir.resolve("no-main-counters");
        Files.createDirectories(copy);
        try (var files = Files.list(Path.of(BUNDLE))) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().startsWith("iptables-save-c-")) {
                    Files.copy(f, copy.resolve(f.getFileName()));
                }
            }
        }
        Cli.Result r = ok("verify", copy.toString());
        // iptables-legacy-save-c-after.txt: 12 built-in chains (filter 3, nat 4, mangle 5) and 6 rules
        assertTrue(r.out().contains("rule/policy counters compared: 18, equal: 18"), r.out());
    }

    @Test
    void rulesHitsListsAFamilyWhoseOnlyDumpIsALegacyOne() throws Exception {
        Path legacy6 = dir.resolve("legacy6.txt");
        Files.writeString(legacy6, "# Generated by ip6tables-save v1.8.9 on Tue Nov 24 07:58:39 2026\n*filter\n"
                + ":INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
                + "-A FORWARD -d fd00::5/128 -p tcp -m tcp --dport 80 -j DROP\nCOMMIT\n");
        JsonNode rows = JSON.readTree(ok("rules", "hits", "--rules", BUNDLE + "/iptables-save.txt", "--rules6-legacy",
                legacy6.toString(), "--all", "--format", "json").out()).get("rules");
        List<String> v6 = new ArrayList<>();
        for (JsonNode row : rows) {
            if (row.get("family").asInt() == 6) {
                v6.add(row.get("table").asText() + " " + row.get("chain").asText() + " " + row.get("backend").asText()
                        + (row.get("rule").isNull() ? "" : " #" + row.get("rule").asInt()));
            }
        }
        assertEquals(List.of("legacy filter INPUT iptables-legacy", "legacy filter FORWARD iptables-legacy",
                "legacy filter FORWARD iptables-legacy #1", "legacy filter OUTPUT iptables-legacy"), v6);
    }

    @Test
    void flowsAndTraceReadTheLegacyRules() throws Exception {
        JsonNode flows = JSON.readTree(ok("flows", BUNDLE, "--format", "json").out());
        assertTrue(flows.toString().contains("legacy nat PREROUTING #1 (iptables-legacy-save.txt:16)"));
        assertEquals(0, run("flows", BUNDLE, "--nft-first").exit());
        JsonNode traced = JSON.readTree(ok("trace", BUNDLE, "--src", "172.18.0.1", "--dst", "172.18.0.2", "--proto",
                "tcp", "--dport", "80", "--nft-first", "--format", "json").out());
        assertTrue(traced.get("notes").toString().contains("iptables-nft's chain first"), traced.toString());
        assertEquals("DROPPED_BY_RULE", traced.get("outcomes").get(0).get("disposition").asText());
    }
}
