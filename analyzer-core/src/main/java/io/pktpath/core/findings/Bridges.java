package io.pktpath.core.findings;

import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.iproute.NetInterface;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The node's bridges and their ports, from {@code ip link} ({@code master} of each port). */
final class Bridges {
    private Bridges() {
    }

    /** Bridge name -> its port names; a master whose kind is known and not {@code bridge} (a bond, a VRF) is left out. */
    static Map<String, List<String>> of(Bundle bundle) {
        Map<String, NetInterface> byName = new LinkedHashMap<>();
        for (NetInterface i : bundle.interfaces()) {
            byName.put(i.name(), i);
        }
        Map<String, Set<String>> ports = new LinkedHashMap<>();
        for (NetInterface i : bundle.interfaces()) {
            if (i.master().isEmpty()) {
                continue;
            }
            NetInterface m = byName.get(i.master().get());
            if (m == null || m.kind().isPresent() && !m.kind().get().equals("bridge")) {
                continue;
            }
            ports.computeIfAbsent(m.name(), k -> new TreeSet<>()).add(i.name());
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        ports.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return out;
    }

    /** Bridge port -> its bridge, from {@link #of}. */
    static Map<String, String> byPort(Map<String, List<String>> bridges) {
        Map<String, String> out = new java.util.HashMap<>();
        bridges.forEach((bridge, ports) -> ports.forEach(p -> out.put(p, bridge)));
        return out;
    }

    /** Whether a captured frame is an ARP packet (pktpath decodes it, and does not replay it). */
    static boolean isArp(io.pktpath.core.trace.PacketSummary p) {
        return p.family() == 0 && p.info().startsWith("ARP ");
    }
}
