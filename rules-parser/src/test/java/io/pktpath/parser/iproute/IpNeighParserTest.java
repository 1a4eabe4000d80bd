package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.net.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpNeighParserTest {
    @Test
    void statesRouterProxyAndStatisticsColumns() throws Exception {
        String text = """
                10.0.0.1 dev eth0 lladdr 52:54:00:12:35:02 router STALE
                10.0.0.7 dev eth0 lladdr 52:54:00:AA:BB:CC ref 1 used 12/12/5 probes 1 REACHABLE
                10.0.0.9 dev eth0  FAILED
                10.0.0.10 dev eth0 INCOMPLETE
                169.254.1.1 dev cali1 lladdr ee:ee:ee:ee:ee:ee PERMANENT
                ff02::16 dev eth0 lladdr 33:33:00:00:00:16 NOARP
                fe80::1 dev eth0 lladdr 52:54:00:12:35:02 router DELAY
                10.0.0.11 dev eth0 lladdr 52:54:00:12:35:05 PROBE
                10.0.0.12 dev eth0 proxy
                10.0.0.13 dev eth0 lladdr 52:54:00:12:35:06 extern_learn NONE
                """;
        Parsed<List<Neighbor>> p = IpNeighParser.parse("ip-neigh.txt", text);
        assertEquals(List.of(), p.diagnostics());
        List<Neighbor> n = p.value();
        assertEquals(10, n.size());
        assertEquals(List.of(Set.of(NeighborState.STALE), Set.of(NeighborState.REACHABLE), Set.of(NeighborState.FAILED),
                Set.of(NeighborState.INCOMPLETE), Set.of(NeighborState.PERMANENT), Set.of(NeighborState.NOARP),
                Set.of(NeighborState.DELAY), Set.of(NeighborState.PROBE), Set.of(), Set.of(NeighborState.NONE)),
                n.stream().map(Neighbor::states).toList());
        assertTrue(n.get(0).router());
        assertEquals(Optional.of("52:54:00:aa:bb:cc"), n.get(1).lladdr());
        assertEquals(Optional.empty(), n.get(2).lladdr());
        assertFalse(n.get(2).usable());
        assertTrue(n.get(0).usable());
        assertTrue(n.get(8).proxy());
        assertEquals(IpAddress.parse("fe80::1"), n.get(6).address());
    }

    @Test
    void jsonGivesTheSameNeighborsAsText() {
        String text = "10.0.0.1 dev eth0 lladdr 52:54:00:12:35:02 router STALE\n10.0.0.9 dev eth0  FAILED\n"
                + "10.0.0.12 dev eth0 proxy\n";
        String json = "[{\"dst\":\"10.0.0.1\",\"dev\":\"eth0\",\"lladdr\":\"52:54:00:12:35:02\",\"router\":null,"
                + "\"state\":[\"STALE\"]},{\"dst\":\"10.0.0.9\",\"dev\":\"eth0\",\"state\":[\"FAILED\"]},"
                + "{\"dst\":\"10.0.0.12\",\"dev\":\"eth0\",\"proxy\":null}]";
        Parsed<List<Neighbor>> t = IpNeighParser.parse("n.txt", text);
        Parsed<List<Neighbor>> j = IpNeighJsonParser.parse("n.json", json);
        assertEquals(List.of(), j.diagnostics());
        assertEquals(strip(t.value()), strip(j.value()));
    }

    private static List<Neighbor> strip(List<Neighbor> list) {
        return list.stream().map(n -> new Neighbor(n.address(), n.dev(), n.lladdr(), n.router(), n.proxy(), n.states(),
                new io.pktpath.parser.diag.SourceSpan("", 0, 0), "")).toList();
    }

    @Test
    void badAddressAndUnknownStateAreDiagnosed() {
        Parsed<List<Neighbor>> p = IpNeighParser.parse("n.txt", "10.0.0 dev eth0 STALE\n10.0.0.2 dev eth0 WEIRD\n10.0.0.3\n");
        assertEquals(0, p.value().size());
        assertEquals(List.of(
                "n.txt:1:1: error[bad-address]: '10.0.0' is not an IPv4 address (expected: four dotted decimal octets "
                        + "0-255, such as 10.0.0.1)",
                "n.txt:2:19: error[unknown-keyword]: unknown neighbor keyword or state 'WEIRD' (expected: dev, lladdr, "
                        + "router, proxy or a state such as REACHABLE, STALE, FAILED)",
                "n.txt:3:9: error[missing-value]: neighbor without 'dev' (expected: ADDR dev IFACE ...)"),
                p.diagnostics().stream().map(Diagnostic::headline).toList());
    }
}
