package io.pktpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rules check} lists a node's ebtables and arptables rules (text and JSON) as read, not replayed, from a file
 * in the bundle or one given with {@code --ebtables} / {@code --arptables}; an ebtables-nft chain replayed from the
 * bundle's nft listing is said to be.
 */
class RulesCheckLinkLayerTest {
    /** As {@code ebtables -t filter -L} prints it (an sosreport's file). */
    private static final String LISTED = """
            Bridge table: filter

            Bridge chain: INPUT, entries: 0, policy: ACCEPT

            Bridge chain: FORWARD, entries: 2, policy: ACCEPT
            -p IPv4 -i tap100i0 --ip-src ! 10.0.0.2 -j DROP
            -s ! 02:00:00:00:00:02 -i tap100i0 -j DROP

            Bridge chain: OUTPUT, entries: 0, policy: ACCEPT
            """;
    private static final String ARP = """
            *filter
            :INPUT ACCEPT
            :OUTPUT ACCEPT
            -A INPUT -j DROP -s 10.0.0.5 --opcode 1
            """;

    @TempDir
    Path tmp;

    @Test
    void listsTheRulesOfBothToolsAsNotReplayed() throws IOException {
        Path bundle = Files.createDirectories(tmp.resolve("bundle"));
        Files.writeString(bundle.resolve("ebtables_-t_filter_-L"), LISTED);
        Files.writeString(bundle.resolve("elsewhere.txt"), ARP);
        Cli.Result r = Cli.run("rules", "check", bundle.toString(), "--no-color");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().dropWhile(l -> !l.startsWith("ebtables: "))
                .takeWhile(l -> !l.startsWith("interfaces:")).toList();
        assertEquals(List.of(
                "ebtables: 2 rules in 3 chains (listed, not replayed: EBTABLES_NOT_REPLAYED)",
                "  filter INPUT policy ACCEPT: 0 rules (ebtables_-t_filter_-L:3)",
                "  filter FORWARD policy ACCEPT: 2 rules (ebtables_-t_filter_-L:5)",
                "    #1 -p IPv4 -i tap100i0 --ip-src ! 10.0.0.2 -j DROP (line 6)",
                "    #2 -s ! 02:00:00:00:00:02 -i tap100i0 -j DROP (line 7)",
                "  filter OUTPUT policy ACCEPT: 0 rules (ebtables_-t_filter_-L:9)",
                "arptables: 1 rule in 2 chains (listed, not replayed: ARPTABLES_NOT_REPLAYED)",
                "  filter INPUT policy ACCEPT: 1 rule (elsewhere.txt:2)",
                "    #1 -j DROP -s 10.0.0.5 --opcode 1 (line 4)",
                "  filter OUTPUT policy ACCEPT: 0 rules (elsewhere.txt:3)"), lines);

        Cli.Result json = Cli.run("rules", "check", "--ebtables", bundle.resolve("ebtables_-t_filter_-L").toString(),
                "--arptables", bundle.resolve("elsewhere.txt").toString(), "--format", "json");
        assertEquals(0, json.exit(), json.err());
        JsonNode contents = new ObjectMapper().readTree(json.out()).path("contents");
        JsonNode eb = contents.path("ebtables");
        assertEquals(false, eb.path("replayed").asBoolean(true), json.out());
        assertEquals(2, eb.path("rules").asInt());
        JsonNode forward = eb.path("chains").get(1);
        assertEquals("FORWARD", forward.path("chain").asText());
        assertEquals("DROP", forward.path("rules").get(0).path("target").asText());
        assertEquals(6, forward.path("rules").get(0).path("line").asInt());
        assertEquals(1, contents.path("arptables").path("rules").asInt());
    }

    @Test
    void ebtablesNftChainsReplayedFromTheNftListingAreSaidToBe() throws IOException {
        Path bundle = Path.of("../samples/bundles/brf-bridge-filter");
        Cli.Result r = Cli.run("rules", "check", bundle.toString(), "--no-color");
        assertEquals(0, r.exit(), r.err());
        List<String> chains = r.out().lines().dropWhile(l -> !l.startsWith("ebtables: "))
                .filter(l -> l.startsWith("  filter ")).toList();
        assertEquals(List.of("  filter INPUT policy ACCEPT: 1 rule (ebtables-L-Lc.txt:3)",
                "  filter FORWARD policy ACCEPT: 2 rules (ebtables-L-Lc.txt:6) - replayed from the nft listing as bridge"
                        + " filter FORWARD",
                "  filter OUTPUT policy ACCEPT: 0 rules (ebtables-L-Lc.txt:10)"), chains);
        Cli.Result json = Cli.run("rules", "check", bundle.toString(), "--format", "json");
        assertEquals(0, json.exit(), json.err());
        JsonNode eb = new ObjectMapper().readTree(json.out()).path("contents").path("ebtables").path("chains");
        assertEquals(List.of(false, true, false), List.of(eb.get(0).path("replayedFromNftListing").asBoolean(),
                eb.get(1).path("replayedFromNftListing").asBoolean(), eb.get(2).path("replayedFromNftListing")
                        .asBoolean()));
    }

    @Test
    void aFileGivenAsEbtablesThatIsNotOneIsAnErrorNamingItsLine() throws IOException {
        Path bad = Files.writeString(tmp.resolve("eb.txt"), "Bridge table: filter\nBridge chain: FORWARD, entries: 1, "
                + "policy: ACCEPT\nnot a rule at all\n");
        Cli.Result r = Cli.run("rules", "check", "--ebtables", bad.toString(), "--no-color");
        assertTrue(r.out().contains("eb.txt:3") || r.err().contains("eb.txt:3"), r.out() + r.err());
        assertTrue((r.out() + r.err()).contains("'not a rule at all' is not a line of ebtables output"), r.out() + r.err());
    }
}
