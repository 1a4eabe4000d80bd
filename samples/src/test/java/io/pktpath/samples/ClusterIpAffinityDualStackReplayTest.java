package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bundles/clusterip-affinity-dualstack replayed: a dual-stack ClusterIP with sessionAffinity: ClientIP in kube-proxy's
 * iptables shape, one ruleset per family, each with its own {@code -m recent} lists. Every expectation comes from the
 * kernel's files: the endpoint of each connection from conntrack-L.txt, the endpoint of each recent list from the
 * KUBE-SEP chain's DNAT in iptables-save.txt/ip6tables-save.txt, and the lists' contents from xt_recent.txt
 * ({@code /proc/net/xt_recent} after the traffic). A client's first connection of a family is the statistic rules'
 * random choice; its later ones must be sent to the pinned endpoint by the {@code --rcheck} rule of that endpoint's
 * list, as the replayed recent state says, with no random choice left.
 */
class ClusterIpAffinityDualStackReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("clusterip-affinity-dualstack");
    private static final Pattern SET_RULE = Pattern.compile(
            "^-A (KUBE-SEP-\\S+) .*-m recent --set --name (\\S+) .*--to-destination (\\S+)$");
    private static final Pattern CONNTRACK = Pattern.compile(
            "^tcp +\\d+ \\d+ \\S+ src=(\\S+) dst=(\\S+) sport=(\\d+) dport=(\\d+) src=(\\S+) ");
    private static final Pattern RECENT_EFFECT = Pattern.compile(
            "^recent (\\S+): (\\S+) (?:added \\((1) hit\\)|recorded again \\((\\d+) hits\\))$");

    private static List<PacketTrace> traces;
    private static Map<String, String> env;

    @BeforeAll
    static void replay() throws IOException {
        traces = CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"));
        env = RecordedBundles.scenarioEnv(DIR);
    }

    /** An address as Java prints it, so that the kernel's full /proc form and the short form compare equal. */
    private static String canonical(String address) {
        try {
            return InetAddress.getByName(address.replaceAll("^\\[|\\]$", "")).getHostAddress();
        } catch (IOException e) {
            throw new AssertionError(address, e);
        }
    }

    /** The address of {@code ip:port} or {@code [ip6]:port}. */
    private static String hostOf(String endpoint) {
        return canonical(endpoint.startsWith("[") ? endpoint.substring(0, endpoint.indexOf(']') + 1)
                : endpoint.substring(0, endpoint.lastIndexOf(':')));
    }

    /** Recent list name → endpoint address, from the KUBE-SEP chains' {@code --set} DNAT rules the kernel held. */
    private static Map<String, String> listEndpoints() throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (String file : List.of("iptables-save.txt", "ip6tables-save.txt")) {
            for (String line : Files.readAllLines(DIR.resolve(file))) {
                Matcher m = SET_RULE.matcher(line);
                if (m.matches()) {
                    assertEquals(m.group(1), m.group(2), "kube-proxy names the list after the chain: " + line);
                    out.put(m.group(2), hostOf(m.group(3)));
                }
            }
        }
        return out;
    }

    /** xt_recent.txt: list → (address → hits the kernel held), lists without entries included. */
    private static Map<String, Map<String, Integer>> kernelLists() throws IOException {
        Map<String, Map<String, Integer>> out = new TreeMap<>();
        String list = null;
        for (String line : Files.readAllLines(DIR.resolve("xt_recent.txt"))) {
            if (line.endsWith(":") && !line.startsWith("src=")) {
                list = line.substring(0, line.length() - 1);
                out.put(list, new TreeMap<>());
            } else if (line.startsWith("src=")) {
                String[] f = line.split("\\s+");
                assertEquals("hits:", f[3], line);
                out.get(list).put(canonical(f[0].substring(4)), Integer.parseInt(f[4]));
            }
        }
        return out;
    }

    /** conntrack-L.txt: "client sport" → the endpoint the kernel DNATed that connection to, for the Service's IPs. */
    private static Map<String, String> conntrackEndpoints() throws IOException {
        Set<String> services = Set.of(hostOf(env.get("SERVICE").replace("/tcp", "")),
                hostOf(env.get("SERVICE6").replace("/tcp", "")));
        Map<String, String> out = new TreeMap<>();
        for (String line : Files.readAllLines(DIR.resolve("conntrack-L.txt"))) {
            Matcher m = CONNTRACK.matcher(line);
            if (m.find() && services.contains(canonical(m.group(2)))) {
                out.put(canonical(m.group(1)) + " " + m.group(3), canonical(m.group(5)));
            }
        }
        return out;
    }

    /** The SYNs the clients sent to the Service's ClusterIPs, as the node received them, in capture order. */
    private static List<PacketTrace> serviceSyns() {
        String v4 = env.get("SERVICE").replace("/tcp", "");
        String v6 = env.get("SERVICE6").replace("/tcp", "");
        return traces.stream().filter(t -> t.role() == FrameRole.INGRESS)
                .filter(t -> t.packet().info().contains("> " + v4 + " [S]") || t.packet().info().contains("> " + v6 + " [S]"))
                .toList();
    }

    private static String client(PacketTrace t) {
        return canonical(t.packet().src().orElseThrow().toString());
    }

    private static String endpoint(PacketTrace t) {
        assertEquals(Disposition.FORWARDED, t.disposition(), "frame " + t.packet().frame() + ": " + t.reason());
        return canonical(t.nat().orElseThrow().after().dst().toString());
    }

    /** The KUBE-SVC rule that sent the packet on to a KUBE-SEP chain. */
    private static RuleStep serviceStep(PacketTrace t) {
        return t.path().stream().filter(s -> s instanceof RuleStep r && r.rule().chain().startsWith("KUBE-SVC-")
                        && r.verdict().toString().startsWith("JUMP:KUBE-SEP-")).map(s -> (RuleStep) s).findFirst()
                .orElseThrow(() -> new AssertionError("frame " + t.packet().frame() + " met no KUBE-SVC rule"));
    }

    private static Set<String> alternativeEndpoints(PacketTrace t) {
        Set<String> out = new TreeSet<>();
        t.alternatives().forEach(a -> out.add(canonical(a.nat().orElseThrow().after().dst().toString())));
        return out;
    }

    @Test
    void everyConnectionOfBothFamiliesGoesToTheEndpointConntrackRecorded() throws IOException {
        Map<String, String> kernel = conntrackEndpoints();
        List<PacketTrace> syns = serviceSyns();
        int perClientAndFamily = Integer.parseInt(env.get("CONNECTIONS_PER_CLIENT_AND_FAMILY"));
        assertEquals(4 * perClientAndFamily, kernel.size(), "conntrack entries of the Service: " + kernel);
        assertEquals(kernel.size(), syns.size(), "one SYN per connection");
        for (PacketTrace t : syns) {
            String key = client(t) + " " + t.packet().sport();
            assertTrue(kernel.containsKey(key), "frame " + t.packet().frame() + ": no conntrack entry for " + key);
            assertEquals(kernel.get(key), endpoint(t), "frame " + t.packet().frame() + " (" + key + ")");
        }
        assertEquals(Set.of(4, 6), syns.stream().map(t -> t.packet().family())
                .collect(java.util.stream.Collectors.toSet()), "both families were replayed");
    }

    @Test
    void aClientsLaterConnectionsOfAFamilyFollowTheRecentListItsFirstWasRecordedIn() throws IOException {
        Map<String, String> endpointOfList = listEndpoints();
        Map<String, Map<String, Integer>> lists = kernelLists();
        Map<String, List<PacketTrace>> byClient = new LinkedHashMap<>();
        serviceSyns().forEach(t -> byClient.computeIfAbsent(client(t), k -> new ArrayList<>()).add(t));
        assertEquals(4, byClient.size(), "two clients, one address per family each: " + byClient.keySet());
        for (Map.Entry<String, List<PacketTrace>> c : byClient.entrySet()) {
            String address = c.getKey();
            List<String> pinnedIn = lists.entrySet().stream().filter(l -> l.getValue().containsKey(address))
                    .map(Map.Entry::getKey).toList();
            assertEquals(1, pinnedIn.size(), address + " is in exactly one of the kernel's lists: " + pinnedIn);
            String list = pinnedIn.get(0);
            String pinned = endpointOfList.get(list);
            assertEquals(address.contains(":"), pinned.contains(":"), list + " is a list of " + address + "'s family");
            Set<String> familyEndpoints = new TreeSet<>();
            endpointOfList.values().stream().filter(e -> e.contains(":") == address.contains(":"))
                    .forEach(familyEndpoints::add);
            assertEquals(3, familyEndpoints.size(), familyEndpoints.toString());

            PacketTrace first = c.getValue().get(0);
            String frame = "frame " + first.packet().frame() + " (first SYN of " + address + ")";
            assertEquals(pinned, endpoint(first), frame);
            assertFalse(serviceStep(first).rule().text().contains("--rcheck"), frame + ": " + serviceStep(first));
            assertEquals(familyEndpoints, alternativeEndpoints(first), frame + ": a random choice among the family's");
            for (int i = 1; i < c.getValue().size(); i++) {
                PacketTrace t = c.getValue().get(i);
                frame = "frame " + t.packet().frame() + " (SYN " + (i + 1) + " of " + address + ")";
                RuleStep svc = serviceStep(t);
                assertTrue(svc.rule().text().contains("--rcheck") && svc.rule().text().contains("--name " + list + " "),
                        frame + ": " + svc.rule().text());
                assertEquals(List.of("recent " + list + ": " + t.packet().src().orElseThrow() + " has " + i
                        + (i == 1 ? " hit" : " hits") + " in the last " + env.get("AFFINITY_SECONDS") + " s"),
                        svc.effects().stream().map(x -> x.replaceAll(", the last .*", "")).toList(), frame);
                assertEquals(pinned, endpoint(t), frame);
                assertEquals(Set.of(), alternativeEndpoints(t), frame + ": the recent list decides, no random choice");
            }
        }
    }

    @Test
    void theReplayedRecentListsHoldWhatTheKernelsHeldAfterTheTraffic() throws IOException {
        Map<String, Map<String, Integer>> kernel = kernelLists();
        assertEquals(listEndpoints().keySet(), kernel.keySet(), "one list per KUBE-SEP chain of both families");
        Map<String, Map<String, Integer>> replayed = new TreeMap<>();
        kernel.keySet().forEach(l -> replayed.put(l, new TreeMap<>()));
        for (PacketTrace t : traces) {
            t.path().stream().filter(s -> s instanceof RuleStep).flatMap(s -> ((RuleStep) s).effects().stream())
                    .map(RECENT_EFFECT::matcher).filter(Matcher::matches).forEach(m -> replayed
                            .computeIfAbsent(m.group(1), k -> new TreeMap<>())
                            .put(canonical(m.group(2)), Integer.parseInt(m.group(3) != null ? m.group(3) : m.group(4))));
        }
        assertEquals(kernel, replayed);
    }
}
