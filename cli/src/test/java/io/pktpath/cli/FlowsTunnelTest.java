package io.pktpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code flows} on the recorded VXLAN overlay: each VXLAN flow is shown as its tunnel's carrier (what it carried, why
 * it stays unreplied), {@code --outcome tunnel} lists them and {@code --outcome unreplied} leaves them out; JSON has a
 * {@code tunnel} object on them only; each inner flow names its carrier flows (a {@code tunnel:} line, a
 * {@code carriedBy} object on them only); the summary counts the carriers among the unreplied.
 */
class FlowsTunnelTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> INNER = List.of("1", "4", "7", "11", "13", "16", "19");
    private static final List<String> CARRIERS = List.of("2", "3", "5", "6", "8", "9", "10", "12", "14", "15", "17", "18",
            "20", "21");

    private static Cli.Result ok(String... args) {
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.exit(), r.err());
        return r;
    }

    private static List<String> flowIds(String... filter) {
        List<String> args = new ArrayList<>(List.of("flows", Cli.bundle("overlay-vxlan")));
        args.addAll(List.of(filter));
        return ok(args.toArray(String[]::new)).out().lines().filter(l -> l.startsWith("flow "))
                .map(l -> l.split(" ")[1]).toList();
    }

    @Test
    void carrierFlowsSayWhatTheyCarriedAndWhyTheyStayUnreplied() {
        String out = ok("flows", Cli.bundle("overlay-vxlan")).out();
        assertTrue(out.contains("flow 2 udp  unreplied (VXLAN (VNI 1) carrier of flow 1: each direction has its own"
                + " source port, as the kernel's conntrack shows)\n  original: 172.18.0.2:38295 -> 172.18.0.1:8472"), out);
        assertTrue(out.contains("flow 1 tcp TIME_WAIT [ASSURED]  closed\n"), out);
    }

    @Test
    void outcomeTunnelListsTheCarriersAndUnrepliedLeavesThemOut() {
        assertEquals(CARRIERS, flowIds("--outcome", "tunnel"));
        assertEquals(List.of(), flowIds("--outcome", "unreplied"));
        assertEquals(List.of("2", "3"), flowIds("--outcome", "tunnel", "--port", "8472", "--host", "172.18.0.1",
                "--proto", "udp").subList(0, 2));
        assertEquals(List.of(), flowIds("--outcome", "tunnel", "--proto", "tcp"));
        // a bundle without tunnels has no carrier
        Cli.Result plain = ok("flows", Cli.bundle("clusterip-tcp"), "--outcome", "tunnel");
        assertEquals("0 flows\n", plain.out());
    }

    @Test
    void aBadOutcomeListsTunnel() {
        Cli.Result r = Cli.run("flows", Cli.bundle("overlay-vxlan"), "--outcome", "carrier");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--outcome carrier: expected one of replied, unreplied, reset, closed, expired,"
                + " reopened, tunnel"), r.err());
    }

    @Test
    void jsonHasATunnelObjectOnCarrierFlowsOnly() throws Exception {
        JsonNode flows = JSON.readTree(ok("flows", Cli.bundle("overlay-vxlan"), "--format", "json").out());
        assertEquals(21, flows.size());
        List<String> carriers = new ArrayList<>();
        for (JsonNode f : flows) {
            if (f.has("tunnel")) {
                carriers.add(f.get("id").asText());
                assertEquals("unreplied", f.get("outcome").asText());
                assertEquals("carrier", f.get("tunnel").get("role").asText());
                assertEquals("VXLAN (VNI 1)", f.get("tunnel").get("encapsulation").asText());
                assertEquals(1, f.get("tunnel").get("innerFlows").size());
            }
        }
        assertEquals(CARRIERS, carriers);
        JsonNode second = flows.get(1).get("tunnel");
        assertEquals("{\"encapsulation\":\"VXLAN (VNI 1)\",\"role\":\"carrier\",\"innerFlows\":[1],\"moreInnerFlows\":false,"
                + "\"note\":\"VXLAN (VNI 1) carrier of flow 1: each direction has its own source port, as the kernel's"
                + " conntrack shows\"}", second.toString());
    }

    @Test
    void anInnerFlowNamesItsCarrierFlowsInText() {
        String out = ok("flows", Cli.bundle("overlay-vxlan")).out();
        // README probe 1: the client's connection left in flow 2 (172.18.0.2:38295) and came back in flow 3
        assertTrue(out.contains("flow 1 tcp TIME_WAIT [ASSURED]  closed\n"
                + "  original: 10.244.1.2:46001 -> 10.244.2.5:8080  6 packets, 339 bytes\n"
                + "  reply:    10.244.2.5:8080 -> 10.244.1.2:46001  5 packets, 302 bytes\n"
                + "  time: 18:42:18.875329 - 18:42:18.878620 (0.003291 s)\n"
                + "  tunnel: carried in VXLAN (VNI 1) by flows 2, 3\n"), out);
        // README probe 3: the ClusterIP connection, DNATed before encapsulation, in flows 8 and 9
        assertTrue(out.contains("  tunnel: carried in VXLAN (VNI 1) by flows 8, 9\n"), out);
        assertEquals(INNER.size(), out.lines().filter(l -> l.startsWith("  tunnel: carried in VXLAN (VNI 1) by flows ")).count());
        // a bundle without an overlay has no tunnel line at all
        String plain = ok("flows", Cli.bundle("clusterip-tcp")).out();
        assertTrue(plain.contains("flow 1 "), plain);
        assertFalse(plain.contains("tunnel:") || plain.contains("carried in"), plain);
    }

    @Test
    void jsonHasACarriedByObjectOnInnerFlowsOnly() throws Exception {
        JsonNode flows = JSON.readTree(ok("flows", Cli.bundle("overlay-vxlan"), "--format", "json").out());
        List<String> inner = new ArrayList<>();
        for (JsonNode f : flows) {
            if (f.has("carriedBy")) {
                inner.add(f.get("id").asText());
                assertFalse(f.has("tunnel"), f.toString());
                assertEquals(2, f.get("carriedBy").get("carrierFlows").size(), f.toString());
                for (JsonNode carrier : f.get("carriedBy").get("carrierFlows")) {
                    JsonNode c = flows.get(carrier.asInt() - 1);
                    assertEquals(carrier.asLong(), c.get("id").asLong());
                    assertEquals(f.get("id").asLong(), c.get("tunnel").get("innerFlows").get(0).asLong(), c.toString());
                }
            }
        }
        assertEquals(INNER, inner);
        assertEquals("{\"encapsulation\":\"VXLAN (VNI 1)\",\"carrierFlows\":[2,3],\"moreCarrierFlows\":false,"
                + "\"note\":\"carried in VXLAN (VNI 1) by flows 2, 3\"}", flows.get(0).get("carriedBy").toString());
        JsonNode plain = JSON.readTree(ok("flows", Cli.bundle("clusterip-tcp"), "--format", "json").out());
        assertTrue(plain.size() > 0);
        plain.forEach(f -> assertFalse(f.has("carriedBy") || f.has("tunnel"), f.toString()));
    }

    @Test
    void theSummaryCountsTheCarriersAmongTheUnreplied() {
        String out = ok("analyze", Cli.bundle("overlay-vxlan")).out();
        assertTrue(out.contains("flows: 21 (closed 5, replied 2, unreplied 14 [14 of them overlay tunnel carriers,"
                + " unreplied as the kernel's are])\n"), out.lines().filter(l -> l.startsWith("flows:")).toList().toString());
    }
}
