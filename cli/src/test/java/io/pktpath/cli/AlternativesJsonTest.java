package io.pktpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** In JSON, each alternative says whether a frame of the capture showed it was the branch taken. */
class AlternativesJsonTest {
    private static List<Boolean> happened(JsonNode frame) {
        List<Boolean> out = new ArrayList<>();
        frame.get("alternatives").forEach(a -> out.add(a.get("happened").asBoolean()));
        return out;
    }

    @Test
    void theEgressCopyMarksTheBranchTakenInExplainAndJsonl() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Cli.Result explain = Cli.run("explain", Cli.bundle("clusterip-tcp"), "3", "--format", "json");
        assertEquals(0, explain.exit(), explain.err());
        assertEquals(List.of(true, false, false), happened(json.readTree(explain.out())));
        Cli.Result jsonl = Cli.run("analyze", Cli.bundle("clusterip-tcp"), "--format", "jsonl", "--frames", "3");
        assertEquals(0, jsonl.exit(), jsonl.err());
        assertEquals(List.of(true, false, false), happened(json.readTree(jsonl.out().lines().findFirst().orElseThrow())));
    }
}
