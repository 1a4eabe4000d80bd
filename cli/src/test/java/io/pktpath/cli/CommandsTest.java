package io.pktpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Behaviour of the commands beyond the goldens: help, filters, capture-only decoding, exit codes, JSON validity. */
class CommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyCommandHasHelpWithExamplesAndExitCodes() {
        for (Command c : Main.commands()) {
            List<String> args = new java.util.ArrayList<>(List.of(c.name().split(" ")));
            args.add("--help");
            Cli.Result r = Cli.run(args.toArray(String[]::new));
            assertEquals(0, r.exit(), c.name());
            assertTrue(r.out().startsWith("usage: pktpath " + c.name()), r.out());
            assertTrue(r.out().contains("Examples:\n  pktpath " + c.name()), r.out());
            assertTrue(r.out().contains("Exit codes: 0 done;"), r.out());
        }
    }

    @Test
    void captureAloneIsDecodedOnePerFrame() throws IOException {
        Cli.Result r = Cli.run("analyze", Cli.bundle("clusterip-tcp") + "/capture.pcap", "--format", "jsonl");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(174, lines.size());
        JsonNode third = JSON.readTree(lines.get(2));
        assertEquals(3, third.get("frame").asInt());
        assertEquals("NOT_REPLAYED", third.get("role").asText());
        assertEquals("NOT_REPLAYABLE", third.get("disposition").asText());
        assertEquals("10.244.1.2", third.get("src").asText());
        assertEquals(80, third.get("dport").asInt());
        assertEquals("tcp", third.get("proto").asText());
    }

    @Test
    void filtersCombine() {
        Cli.Result r = Cli.run("analyze", Cli.bundle("clusterip-tcp"), "--frames", "1-40", "--host", "10.244.1.3",
                "--port", "8080", "--proto", "tcp", "--disposition", "nat");
        assertEquals(0, r.exit(), r.err());
        String frames = r.out().substring(r.out().indexOf("frames ("));
        List<String> lines = frames.lines().skip(1).toList();
        assertTrue(!lines.isEmpty());
        for (String l : lines) {
            int n = Integer.parseInt(l.strip().split(" ")[0]);
            assertTrue(n <= 40, l);
            assertTrue(l.contains("10.244.1.3:8080"), l);
            assertTrue(l.contains("nat 10.") || l.contains("[dnat") || l.contains("[snat"), l);
        }
    }

    @Test
    void jsonDocumentParsesAndCountsFrames() throws IOException {
        Cli.Result r = Cli.run("analyze", Cli.bundle("no-endpoints-reject"), "--format", "json");
        JsonNode doc = JSON.readTree(r.out());
        assertEquals(13, doc.get("frames").size());
        assertEquals(13, doc.get("summary").get("frames").asInt());
        assertEquals(3, doc.get("summary").get("dispositions").get("REJECTED").asInt());
        assertTrue(doc.get("findings").size() >= 1);
    }

    @Test
    void failOnErrorReturnsOneWhenFindingsExist() {
        assertEquals(1, Cli.run("analyze", Cli.bundle("no-endpoints-reject"), "--summary-only", "--fail-on", "error").exit());
        assertEquals(0, Cli.run("analyze", Cli.bundle("no-endpoints-reject"), "--summary-only").exit());
    }

    @Test
    void explainMissesShowTheFailedMatch() {
        Cli.Result r = Cli.run("explain", Cli.bundle("no-endpoints-reject"), "3", "--misses");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("no match "), r.out());
        assertTrue(r.out().contains("(failed: "), r.out());
    }

    @Test
    void noColorWhenPiped() {
        assertTrue(!Cli.run("analyze", Cli.bundle("no-endpoints-reject")).out().contains("\u001b["));
    }

    @Test
    void colorOnATerminalUnlessNoColor() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream ps = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
        Context tty = new Context(ps, ps, new Terminal(true, false));
        Main.run(new String[] {"analyze", Cli.bundle("no-endpoints-reject"), "--summary-only"}, tty);
        assertTrue(out.toString(java.nio.charset.StandardCharsets.UTF_8).contains("\u001b[31mREJECTED\u001b[0m"));
        out.reset();
        Main.run(new String[] {"analyze", Cli.bundle("no-endpoints-reject"), "--summary-only", "--no-color"}, tty);
        assertTrue(!out.toString(java.nio.charset.StandardCharsets.UTF_8).contains("\u001b["));
    }

    @Test
    void filesNamedOneByOne() {
        String b = Cli.bundle("no-endpoints-reject");
        Cli.Result r = Cli.run("analyze", "--rules", b + "/iptables-save.txt", "--addr", b + "/ip-addr.txt", "--routes",
                b + "/ip-route.txt", "--sysctl", b + "/sysctl.txt", "--capture", b + "/capture.pcap", "--summary-only");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("  REJECTED                    3  rejected"), r.out());
    }

    @Test
    void multicastMembershipsNamedWithMaddrDecideAndABadLineIsNamed(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws java.io.IOException {
        String b = Cli.bundle("multicast-reports");
        Cli.Result r = Cli.run("analyze", "--rules", b + "/iptables-save.txt", "--rules6", b + "/ip6tables-save.txt",
                "--addr", b + "/ip-addr.txt", "--routes", b + "/ip-route.txt", "--sysctl", b + "/sysctl.txt",
                "--capture", b + "/capture.pcap", "--maddr", b + "/ip-maddr.txt", "--summary-only");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("  NOT_JOINED                 10  multicast group not joined on the input interface"),
                r.out());
        java.nio.file.Path bad = dir.resolve("ip-maddr.txt");
        java.nio.file.Files.writeString(bad, "2:\tcali0\n\tinet 10.0.0.1\n");
        Cli.Result withBad = Cli.run("analyze", "--rules", b + "/iptables-save.txt", "--addr", b + "/ip-addr.txt",
                "--routes", b + "/ip-route.txt", "--capture", b + "/capture.pcap", "--maddr", bad.toString(),
                "--summary-only");
        assertTrue(withBad.out().contains("ip-maddr.txt:2:7: error[bad-address]: '10.0.0.1' is not an IPv4 multicast"
                + " group (expected: a group in 224.0.0.0/4)"), withBad.out() + withBad.err());
    }

    @Test
    void ipJsonMaddrAndRuleNamedOnTheCommandLineAreReadAsJson(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        String b = Cli.bundle("multicast-reports");
        java.nio.file.Path maddr = dir.resolve("maddr.json");
        // ip -j maddr show of the same node state as the recording's ip-maddr.txt
        java.nio.file.Files.writeString(maddr, "[{\"ifindex\":1,\"ifname\":\"lo\",\"maddr\":[{\"family\":\"inet\","
                + "\"address\":\"224.0.0.1\"},{\"family\":\"inet6\",\"address\":\"ff02::1\"},{\"family\":\"inet6\","
                + "\"address\":\"ff01::1\"}]},{\"ifindex\":2,\"ifname\":\"cali62608e08adc\",\"maddr\":[{\"link\":"
                + "\"33:33:00:00:00:01\"},{\"link\":\"33:33:00:00:00:02\"},{\"link\":\"01:00:5e:00:00:01\"},{\"link\":"
                + "\"33:33:ff:ee:ee:ee\"},{\"link\":\"33:33:ff:00:00:00\"},{\"family\":\"inet\",\"address\":\"224.0.0.1\"},"
                + "{\"family\":\"inet6\",\"address\":\"ff02::1:ff00:0\"},{\"family\":\"inet6\",\"address\":"
                + "\"ff02::1:ffee:eeee\"},{\"family\":\"inet6\",\"address\":\"ff02::2\"},{\"family\":\"inet6\","
                + "\"address\":\"ff02::1\"},{\"family\":\"inet6\",\"address\":\"ff01::1\"}]}]\n");
        java.nio.file.Path rules = dir.resolve("rules.json");
        java.nio.file.Files.writeString(rules, "[{\"priority\":0,\"src\":\"all\",\"table\":\"local\"},\n"
                + "{\"priority\":10,\"src\":\"all\",\"fwmark\":\"0xq\",\"table\":\"main\"},\n"
                + "{\"priority\":32766,\"src\":\"all\",\"table\":\"main\"},{\"priority\":32767,\"src\":\"all\","
                + "\"table\":\"default\"}]\n");
        Cli.Result r = Cli.run("analyze", "--rules", b + "/iptables-save.txt", "--rules6", b + "/ip6tables-save.txt",
                "--addr", b + "/ip-addr.txt", "--routes", b + "/ip-route.txt", "--sysctl", b + "/sysctl.txt",
                "--capture", b + "/capture.pcap", "--maddr", maddr.toString(), "--ip-rule", rules.toString(),
                "--summary-only");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("  NOT_JOINED                 10  multicast group not joined on the input interface"),
                r.out());
        assertTrue(r.out().contains("rules.json:2:37: error[bad-number]: '0xq' is not a number for fwmark"),
                r.out() + r.err());
    }

    @Test
    void verifyAgreesOnARecordedBundle() {
        Cli.Result r = Cli.run("verify", Cli.bundle("no-endpoints-reject"));
        assertTrue(r.out().startsWith("verify no-endpoints-reject\nkernel packets: "), r.out());
        assertEquals(r.out().contains("\nDIFF ") || r.out().contains("\nCOUNTER ") ? 1 : 0, r.exit());
    }

    @Test
    void nftRulesetNamedWithNftIsReportedAndListed() {
        String b = Cli.bundle("nft-native-firewall");
        Cli.Result r = Cli.run("analyze", "--rules", b + "/iptables-save.txt", "--addr", b + "/ip-addr.txt", "--routes",
                b + "/ip-route.txt", "--sysctl", b + "/sysctl.txt", "--capture", b + "/capture.pcap", "--nft",
                b + "/nft-ruleset.txt", "--summary-only");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("3  DROPPED_BY_RULE at inet pkp_fw input rule 1 (nft-ruleset.txt:29): tcp dport "
                + "8081 counter packets 3 bytes 180 drop  frames 13, 14, 15"), r.out());
        assertFalse(r.out().contains("NFT_NATIVE_CHAINS"), "the native chains are replayed: " + r.out());
        Cli.Result check = Cli.run("rules", "check", "--nft", b + "/nft-ruleset.txt", "--format", "json");
        String compact = check.out().replaceAll("\\s+", "");
        assertTrue(compact.contains("\"nftables\":{\"present\":true,\"file\":\"nft-ruleset.txt\""), check.out());
        assertTrue(compact.contains("{\"name\":\"input\",\"type\":\"filter\",\"hook\":\"input\",\"priority\":"
                + "\"filter+10\",\"priorityValue\":10,\"policy\":\"accept\",\"rules\":1,\"native\":true,\"replayed\":true}"),
                check.out());
        Cli.Result help = Cli.run("analyze", "--help");
        assertTrue(help.out().contains("--nft <FILE>"), help.out());
    }

    @Test
    void rulesCheckListsKubeProxysNatChainsAsReplayed() {
        String b = Cli.bundle("nft-kube-proxy");
        Cli.Result check = Cli.run("rules", "check", "--nft", b + "/nft-ruleset.txt");
        assertEquals(0, check.exit(), check.err());
        assertTrue(check.out().contains("(9 replayed, 0 not replayed)"), check.out());
        assertTrue(check.out().contains("    nat-prerouting: type nat hook prerouting priority dstnat (-100), policy accept,"),
                check.out());
        assertTrue(check.out().contains("native, replayed with the nat chains of its hook (a connection's first packet)"),
                check.out());
        String json = Cli.run("rules", "check", "--nft", b + "/nft-ruleset.txt", "--format", "json").out()
                .replaceAll("\\s+", "");
        assertTrue(json.contains("{\"name\":\"nat-postrouting\",\"type\":\"nat\",\"hook\":\"postrouting\",\"priority\":"
                + "\"srcnat\",\"priorityValue\":100,\"policy\":\"accept\",\"rules\":1,\"native\":true,\"replayed\":true}"),
                json);
        Cli.Result analyze = Cli.run("analyze", b, "--summary-only");
        assertFalse(analyze.out().contains("NFT_NATIVE_CHAINS"), analyze.out());
    }
}
