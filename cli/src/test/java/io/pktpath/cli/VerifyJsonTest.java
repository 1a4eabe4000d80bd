package io.pktpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pktpath verify --format json}: the text report's counts and differences, for scripts. */
class VerifyJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String bundle) throws IOException {
        Cli.Result r = Cli.run("verify", bundle, "--format", "json");
        JsonNode n = JSON.readTree(r.out());
        assertEquals(n.get("agrees").asBoolean() ? 0 : 1, r.exit(), r.out() + r.err());
        return n;
    }

    /** The three numbers after {@code label} in the text report. */
    private static List<Integer> counts(String text, String label) {
        Matcher m = Pattern.compile(Pattern.quote(label) + "\\D*(\\d+)\\D+(\\d+)\\D+(\\d+)").matcher(text);
        assertTrue(m.find(), label + " in " + text);
        return List.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    @Test
    void theCountsAreTheTextReportsOnARecordedBundle() throws IOException {
        String bundle = Cli.bundle("conntrack-events");
        String text = Cli.run("verify", bundle).out();
        JsonNode n = json(bundle);
        assertEquals("conntrack-events", n.get("bundle").asText());
        assertTrue(n.get("agrees").asBoolean(), n.toPrettyString());
        JsonNode p = n.get("packets");
        assertEquals(counts(text, "kernel packets:"), List.of(p.get("kernel").asInt(), p.get("compared").asInt(),
                p.get("equal").asInt()));
        JsonNode e = n.get("conntrackEvents");
        assertEquals(counts(text, "conntrack events (conntrack -E NEW):"), List.of(e.get("events").asInt(),
                e.get("compared").asInt(), e.get("equal").asInt()));
        assertEquals(counts(text, "rule/policy counters compared:").subList(0, 2),
                List.of(n.get("counters").get("compared").asInt(), n.get("counters").get("equal").asInt()));
        assertTrue(json(Cli.bundle("clusterip-tcp")).get("conntrackEvents").isNull(), "no events in that bundle");
    }

    @Test
    void aDoctoredCounterAndEventAreDifferencesWithTheirPlaces(@TempDir Path dir) throws IOException {
        try (Stream<Path> files = Files.list(Path.of(Cli.bundle("conntrack-events")))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        // one rule's packet counter after the capture one higher than the kernel counted
        Path after = dir.resolve("iptables-save-c-after.txt");
        List<String> rules = Files.readAllLines(after);
        int counted = -1;
        for (int i = 0; i < rules.size() && counted < 0; i++) {
            if (rules.get(i).matches("\\[[1-9]\\d*:\\d+\\] -A KUBE-SEP-.*DNAT.*")) {
                counted = i;
            }
        }
        assertTrue(counted >= 0, "a DNAT rule that counted packets");
        Matcher c = Pattern.compile("^\\[(\\d+):(\\d+)\\]").matcher(rules.get(counted));
        assertTrue(c.find());
        String doctoredRule = rules.get(counted).substring(c.end()).strip();
        rules.set(counted, "[" + (Long.parseLong(c.group(1)) + 1) + ":" + c.group(2) + "]" + rules.get(counted)
                .substring(c.end()));
        Files.write(after, rules);
        // one UDP request's NEW event with another reply port
        Path log = dir.resolve("conntrack-events.txt");
        List<String> events = Files.readAllLines(log);
        int udp = -1;
        for (int i = 0; i < events.size() && udp < 0; i++) {
            if (events.get(i).contains("[NEW] udp") && events.get(i).contains("dport=53")) {
                udp = i;
            }
        }
        events.set(udp, events.get(udp).replaceFirst("sport=5353 dport=(\\d+)", "sport=5353 dport=1"));
        Files.write(log, events);

        JsonNode n = json(dir.toString());
        assertFalse(n.get("agrees").asBoolean());
        JsonNode hits = n.get("counters").get("differences");
        assertEquals(1, hits.size(), hits.toPrettyString());
        assertEquals(doctoredRule, hits.get(0).get("text").asText());
        assertEquals(hits.get(0).get("kernel").get("packets").asLong(), hits.get(0).get("pktpath").get("packets").asLong() + 1);
        JsonNode eventDiffs = n.get("conntrackEvents").get("differences");
        assertEquals(1, eventDiffs.size(), eventDiffs.toPrettyString());
        assertEquals("conntrack-events.txt:" + (udp + 1), eventDiffs.get(0).get("location").asText());
        assertEquals("REPLY_TUPLE", eventDiffs.get(0).get("kind").asText());
        assertEquals(0, n.get("packets").get("differences").size(), "the packets still agree");
    }
}
