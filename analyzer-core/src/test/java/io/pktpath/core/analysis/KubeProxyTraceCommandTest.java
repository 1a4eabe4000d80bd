package io.pktpath.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.core.trace.Verdict;
import io.pktpath.parser.net.IpAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * kube-proxy's own packet-flow cases (shared/peer/kube-proxy, see its README) through {@code pktpath trace}'s engine:
 * the set of DNAT endpoints, the filter verdict and the masquerade flag must equal kube-proxy's expectations, except
 * where kube-proxy's simplified tracer and the kernel differ — each such case is listed below with the reason, and the
 * kernel's answer is what pktpath gives.
 */
class KubeProxyTraceCommandTest {
    /**
     * Cases where the kernel's answer differs from kube-proxy's tracer, keyed "folder/case name" → pktpath's answer.
     * Each entry is justified in {@link #WHY}.
     */
    private static final Map<String, String> KERNEL_DIFFERS = new TreeMap<>();
    private static final Map<String, String> WHY = new TreeMap<>();

    static Path peer() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.exists(dir.resolve("pom.xml")) && Files.exists(dir.resolve("rules-parser")))) {
            dir = dir.getParent();
        }
        return dir == null ? Path.of("/nonexistent") : dir.resolveSibling("shared").resolve("peer").resolve("kube-proxy");
    }

    @Test
    void everyFlowCaseGivesKubeProxysAnswerOrTheKernelsDocumentedOne() throws IOException {
        Path root = peer();
        assumeTrue(Files.isDirectory(root), "shared/peer/kube-proxy not present beside the repository");
        ObjectMapper json = new ObjectMapper();
        List<String> mismatches = new ArrayList<>();
        int cases = 0;
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.sorted().toList()) {
                Path flows = dir.resolve("flows.json");
                if (!Files.exists(flows)) {
                    continue;
                }
                for (JsonNode flow : json.readTree(flows.toFile())) {
                    cases++;
                    String key = dir.getFileName() + "/" + flow.get("name").asText();
                    String expected = flow.get("expectedOutput").asText() + " masq=" + flow.get("expectedMasquerade").asBoolean();
                    String actual = answer(dir.resolve("rules.iptables-save"), flow);
                    String allowed = KERNEL_DIFFERS.getOrDefault(key, expected);
                    if (!actual.equals(allowed)) {
                        mismatches.add(key + ": kube-proxy expects [" + expected + "], pktpath says [" + actual + "]");
                    }
                }
            }
        }
        assertEquals(85, cases, "flow cases in shared/peer/kube-proxy");
        assertEquals(List.of(), mismatches);
    }

    static String answer(Path rules, JsonNode flow) {
        List<IpAddress> nodeIps = new ArrayList<>();
        flow.get("nodeIPs").forEach(n -> nodeIps.add(ip(n.asText())));
        SyntheticNode.Made node = SyntheticNode.make(rules, nodeIps, true);
        IpAddress src = ip(flow.get("sourceIP").asText());
        IpAddress dst = ip(flow.get("destIP").asText());
        boolean local = nodeIps.contains(src) || src.toString().startsWith("127.") || src.toString().equals("::1");
        int proto = switch (flow.get("protocol").asText()) {
            case "udp" -> 17;
            case "sctp" -> 132;
            default -> 6;
        };
        List<TraceOutcome> outcomes = new SyntheticTracer(node.bundle())
                .trace(new TraceRequest(src, dst, proto, 40000, flow.get("destPort").asInt(), local ? "" : SyntheticNode.UPLINK), 64);
        Set<String> outputs = new LinkedHashSet<>();
        boolean masq = false;
        for (TraceOutcome o : outcomes) {
            o.nat().filter(n -> !n.before().dst().equals(n.after().dst()) || n.before().dport() != n.after().dport())
                    .ifPresent(n -> outputs.add(endpoint(n.after().dst(), n.after().dport())));
            masq |= o.masquerade();
        }
        for (TraceOutcome o : outcomes) {
            if (o.disposition() == Disposition.REJECTED) {
                outputs.add("REJECT");
            } else if (o.disposition() == Disposition.DROPPED_BY_RULE || o.disposition() == Disposition.DROPPED_BY_POLICY) {
                outputs.add("DROP");
            } else if (kubeFilterAccept(o.steps())) {
                outputs.add("ACCEPT");
            }
        }
        return String.join(", ", outputs) + " masq=" + masq;
    }

    private static boolean kubeFilterAccept(List<TraceStep> steps) {
        return steps.stream().anyMatch(s -> s instanceof RuleStep r && r.rule().table().equals("filter")
                && r.rule().chain().startsWith("KUBE-") && r.verdict().kind() == Verdict.Kind.ACCEPT
                && !r.rule().chain().equals("KUBE-FORWARD"));
    }

    private static String endpoint(IpAddress a, int port) {
        return a.isV4() ? a + ":" + port : "[" + a + "]:" + port;
    }

    private static IpAddress ip(String text) {
        try {
            return IpAddress.parse(text);
        } catch (io.pktpath.parser.diag.InvalidValueException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
