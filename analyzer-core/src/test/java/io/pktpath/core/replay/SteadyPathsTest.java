package io.pktpath.core.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.bench.BenchBundle;
import io.pktpath.core.bundle.BundleOpener;
import io.pktpath.core.capture.CaptureReader;
import io.pktpath.core.capture.Direction;
import io.pktpath.core.conntrack.CtTimeouts;
import io.pktpath.core.routing.NodeNetwork;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.iptables.IptablesSaveParser;
import io.pktpath.parser.iptables.model.Ruleset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast path for established flows on a generated kube-proxy node: most established packets reuse their flow's
 * path, the traces and counters are exactly those of full walks, and rulesets that test per-packet values never reuse.
 */
class SteadyPathsTest {
    @TempDir
    static Path dir;
    static Bundle bundle;

    @BeforeAll
    static void generate() throws Exception {
        BenchBundle.write(dir, 100, 30_000, BenchBundle.DEFAULT_SEED);
        bundle = new BundleOpener().open(dir).bundle();
    }

    private record Replay(List<PacketTrace> traces, KernelNodePath path) {
    }

    private static Replay replay(boolean reuse) {
        NodeNetwork net = Analyzer.network(bundle);
        KernelNodePath path = new KernelNodePath(NodeInputs.of(net, bundle.rulesetV4(), bundle.rulesetV6(),
                CtTimeouts.from(bundle.sysctls())).withSteadyPaths(reuse));
        List<PacketTrace> traces = new ArrayList<>();
        CaptureReader reader = CaptureReader.open(dir.resolve("capture.pcap"), net::interfaceName);
        new ReplayLoop(path, ReplayOptions.DEFAULT.withSteadyPaths(reuse)).run(reader,
                new PacketConverter("", Direction.UNKNOWN), traces::add, n -> { }, () -> false);
        return new Replay(traces, path);
    }

    @Test
    void establishedPacketsReuseTheirFlowsPathAndTracesAreUnchanged() {
        Replay fresh = replay(false);
        Replay reused = replay(true);
        assertEquals(0, fresh.path().reusedPaths());
        assertEquals(fresh.traces(), reused.traces());
        assertEquals(fresh.path().hits().hitRules(), reused.path().hits().hitRules());
        for (var rule : fresh.path().hits().hitRules()) {
            assertEquals(fresh.path().hits().rule(rule), reused.path().hits().rule(rule), rule.text());
        }
        assertEquals(fresh.path().conntrack().flows(Long.MAX_VALUE / 2), reused.path().conntrack().flows(Long.MAX_VALUE / 2));
        long ingress = reused.traces().stream().filter(t -> t.role() == FrameRole.INGRESS).count();
        long created = reused.traces().stream().filter(t -> t.role() == FrameRole.INGRESS)
                .filter(t -> t.path().stream().anyMatch(s -> s instanceof io.pktpath.core.trace.ConntrackStep c && c.created()))
                .count();
        // an ingress packet that is not its flow's first in its direction (two per connection) can reuse a path, unless
        // its ct state changed (a UDP flow's first reply turns NEW into ESTABLISHED): 90 % on this workload
        long possible = ingress - 2 * created;
        assertTrue(reused.path().reusedPaths() >= possible * 85 / 100,
                "reused " + reused.path().reusedPaths() + " of " + ingress + " ingress packets (" + created + " new)");
    }

    @Test
    void consecutivePacketsOfAFlowDirectionShareOneReusedPath() {
        assertEquals(0, sharedPaths(replay(false).traces()));
        assertTrue(sharedPaths(replay(true).traces()) > 0);
    }

    /** How many ingress traces hold the very path list the previous ingress trace of their flow direction holds. */
    private static long sharedPaths(List<PacketTrace> traces) {
        java.util.Map<String, List<?>> last = new java.util.HashMap<>();
        long shared = 0;
        for (PacketTrace t : traces) {
            if (t.role() != FrameRole.INGRESS || t.path().size() < 2
                    || !(t.path().get(1) instanceof io.pktpath.core.trace.ConntrackStep c)) {
                continue;
            }
            List<?> before = last.put(c.flowId() + (c.reply() ? " reply" : " original"), t.path());
            if (before == t.path()) {
                shared++;
            }
        }
        return shared;
    }

    @Test
    void rulesTestingPerPacketValuesDisableReuse() {
        assertTrue(SteadyPaths.flowStable(rules("-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
                "-A FORWARD -p tcp -m tcp --dport 80 -m mark --mark 0x4000/0x4000 -j ACCEPT")));
        assertFalse(SteadyPaths.flowStable(rules("-A FORWARD -p tcp -m tcp --tcp-flags SYN,RST SYN -j ACCEPT")));
        assertFalse(SteadyPaths.flowStable(rules("-A FORWARD -p tcp -m length --length 0:100 -j ACCEPT")));
        assertFalse(SteadyPaths.flowStable(rules("-A FORWARD -m limit --limit 5/sec -j ACCEPT")));
        assertFalse(SteadyPaths.flowStable(rules("-A FORWARD -m conntrack --ctexpire 0:10 -j DROP")));
        assertFalse(SteadyPaths.flowStable(rules("-A FORWARD -m statistic --mode random --probability 0.5 -j DROP")));
    }

    @Test
    void statisticRulesInNatDoNotDisableReuse() {
        String save = "*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -m statistic --mode random --probability 0.5 -j ACCEPT\n"
                + "COMMIT\n*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -j ACCEPT\nCOMMIT\n";
        assertTrue(SteadyPaths.flowStable(IptablesSaveParser.parse("t", save).value()));
    }

    private static Ruleset rules(String... filterRules) {
        String save = "*filter\n:FORWARD ACCEPT [0:0]\n" + String.join("\n", filterRules) + "\nCOMMIT\n";
        return IptablesSaveParser.parse("t", save).value();
    }
}
