package io.pktpath.gui.node;

import io.pktpath.gui.Samples;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeSectionTest {
    @Test
    void sectionsShowInterfacesRoutesRulesNeighborsAndSysctls() {
        List<NodeSection> sections = NodeSection.of(Samples.session("no-endpoints-reject").bundle());
        assertEquals(List.of("Interfaces and addresses", "Routes (IPv4)", "Routes (IPv6)", "IP rules", "Neighbors",
                "Sysctls that matter"), sections.stream().map(s -> s.title().replaceAll(" \\(\\d+\\)$", "")).toList());
        assertTrue(sections.get(0).lines().stream().anyMatch(l -> l.contains("eth0") && l.contains("172.18.0.2/24")),
                sections.get(0).lines().toString());
        assertTrue(sections.get(1).lines().contains("default via 172.18.0.1 dev eth0"), sections.get(1).lines().toString());
        assertTrue(sections.get(5).lines().stream().anyMatch(l -> l.startsWith("net.ipv4.ip_forward = ")));
    }

    @Test
    void onlyPathRelevantSysctlsAreKept() {
        assertEquals(List.of("net.ipv4.conf.all.rp_filter = 2", "net.ipv4.ip_forward = 1"), NodeSection.sysctls(Map.of(
                "net.ipv4.ip_forward", "1", "net.ipv4.conf.all.rp_filter", "2", "kernel.hostname", "x",
                "net.core.somaxconn", "4096")));
    }
}
