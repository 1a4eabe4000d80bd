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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rules check} on a node in kube-proxy's IPVS mode lists the ipvsadm file's virtual services with their real
 * servers (text and JSON), and without that file names it as missing.
 */
class RulesCheckIpvsTest {
    private static final String ADDR = """
            1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
                link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
                inet 127.0.0.1/8 scope host lo
                   valid_lft forever preferred_lft forever
            2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
                link/ether f6:25:ba:82:df:ff brd ff:ff:ff:ff:ff:ff
                inet 172.18.0.2/24 scope global eth0
                   valid_lft forever preferred_lft forever
            3: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default
                link/ether 6a:31:0e:5c:d2:41 brd ff:ff:ff:ff:ff:ff
                inet 10.96.0.10/32 scope global kube-ipvs0
                   valid_lft forever preferred_lft forever
            """;
    private static final String SAVE = """
            -A -t 10.96.0.10:80 -s rr -p 10800
            -a -t 10.96.0.10:80 -r 10.244.1.3:8080 -m -w 1
            -a -t 10.96.0.10:80 -r 10.244.1.4:8080 -m -w 1
            -A -u 10.96.0.10:53 -s rr
            -A -f 7 -s sh
            -a -f 7 -r 10.244.1.5:0 -g -w 2
            """;

    @TempDir
    Path tmp;

    @Test
    void listsTheVirtualServicesWithTheirRealServers() throws IOException {
        Files.writeString(tmp.resolve("addr.txt"), ADDR);
        Files.writeString(tmp.resolve("ipvs.txt"), SAVE);
        Cli.Result r = Cli.run("rules", "check", tmp.toString(), "--no-color");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().dropWhile(l -> !l.startsWith("ipvs: ")).takeWhile(l -> !l.startsWith("interfaces:"))
                .toList();
        assertEquals(List.of(
                "ipvs: kube-proxy IPVS mode (detected, not replayed: IPVS_NOT_REPLAYED)",
                "  evidence: ipvs.txt (ipvsadm) lists 3 IPVS virtual services",
                "  evidence: interface kube-ipvs0 exists and holds 1 address (10.96.0.10)",
                "  virtual services: 3 (ipvs.txt), real servers: 3",
                "    TCP 10.96.0.10:80 rr, persistent 10800 (line 1): 2 real servers",
                "      -> 10.244.1.3:8080 masq weight 1",
                "      -> 10.244.1.4:8080 masq weight 1",
                "    UDP 10.96.0.10:53 rr (line 4): 0 real servers",
                "    FWM 7 sh (line 5): 1 real server",
                "      -> 10.244.1.5:0 route weight 2"), lines);
        assertTrue(r.out().contains("found ipvs.txt: ipvsadm\n"), r.out());
        assertFalse(r.out().contains("no ipvsadm -Ln"), r.out());

        Cli.Result j = Cli.run("rules", "check", tmp.toString(), "--format", "json");
        assertEquals(0, j.exit(), j.err());
        JsonNode ipvs = new ObjectMapper().readTree(j.out()).path("contents").path("ipvs");
        assertTrue(ipvs.path("detected").asBoolean(), j.out());
        assertFalse(ipvs.path("replayed").asBoolean(true));
        assertEquals("ipvs.txt", ipvs.path("file").asText());
        assertEquals("10.96.0.10", ipvs.path("kubeIpvs0Addresses").path(0).asText());
        JsonNode services = ipvs.path("virtualServices");
        assertEquals(3, services.size());
        JsonNode web = services.path(0);
        assertEquals("TCP", web.path("protocol").asText());
        assertEquals("10.96.0.10", web.path("address").asText());
        assertEquals(80, web.path("port").asInt());
        assertEquals("rr", web.path("scheduler").asText());
        assertEquals(10800, web.path("persistentSeconds").asInt());
        assertEquals(List.of("10.244.1.3:8080 masq 1", "10.244.1.4:8080 masq 1"), java.util.stream.StreamSupport
                .stream(web.path("realServers").spliterator(), false).map(s -> s.path("address").asText() + ":"
                        + s.path("port").asInt() + " " + s.path("forward").asText() + " " + s.path("weight").asInt())
                .toList());
        assertTrue(services.path(1).path("persistentSeconds").isNull());
        assertEquals(7, services.path(2).path("fwmark").asInt());
        assertTrue(services.path(2).path("address").isNull());
    }

    @Test
    void withoutAnIpvsadmFileTheMissingLineSaysWhyItMatters() throws IOException {
        Files.writeString(tmp.resolve("addr.txt"), ADDR);
        Cli.Result r = Cli.run("rules", "check", tmp.toString(), "--no-color");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("  missing: no ipvsadm -Ln: IPVS virtual services unknown (the node runs kube-proxy in"
                + " IPVS mode: interface kube-ipvs0 exists and holds 1 address (10.96.0.10))\n"), r.out());
        assertTrue(r.out().contains("ipvs: kube-proxy IPVS mode (detected, not replayed: IPVS_NOT_REPLAYED)\n"), r.out());
        assertFalse(r.out().contains("virtual services:"), r.out());
    }

    @Test
    void aNodeWithoutIpvsShowsNoIpvsPart() throws IOException {
        Cli.Result r = Cli.run("rules", "check", Cli.bundle("clusterip-tcp"), "--no-color");
        assertEquals(0, r.exit(), r.err());
        assertFalse(r.out().contains("ipvs"), r.out());
        Cli.Result j = Cli.run("rules", "check", Cli.bundle("clusterip-tcp"), "--format", "json");
        assertTrue(j.out().contains("\"contents\""), j.out());
        assertFalse(j.out().contains("\"ipvs\""), j.out());
    }
}
