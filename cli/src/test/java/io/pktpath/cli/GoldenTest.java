package io.pktpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * End-to-end runs of every command on recorded sample bundles, compared with golden files (text and JSON).
 * Regenerate with {@code UPDATE_GOLDEN=1 mvn -B -pl cli -am test -Dtest='io.pktpath.cli.**'
 * -Dsurefire.failIfNoSpecifiedTests=false} and review the diff.
 */
class GoldenTest {
    private static String ok(String... args) {
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.exit(), () -> "exit code of " + String.join(" ", args) + "; stderr: " + r.err());
        return r.out();
    }

    @Test
    void analyzeClusterIpText() {
        Golden.check("analyze-clusterip-tcp.txt", ok("analyze", Cli.bundle("clusterip-tcp")));
    }

    @Test
    void analyzeNoEndpointsJson() {
        Golden.check("analyze-no-endpoints-reject.json", ok("analyze", Cli.bundle("no-endpoints-reject"), "--format", "json"));
    }

    @Test
    void analyzeNoEndpointsText() {
        Golden.check("analyze-no-endpoints-reject.txt", ok("analyze", Cli.bundle("no-endpoints-reject")));
    }

    @Test
    void analyzeDockerPublishJsonlWithPath() {
        Cli.Result r = Cli.run("analyze", Cli.bundle("docker-publish"), "--format", "jsonl", "--path", "--frames", "1-12");
        assertEquals(0, r.exit(), r.err());
        Golden.check("analyze-docker-publish-1-12.jsonl", r.out());
        Golden.check("analyze-docker-publish-summary.stderr.txt", r.err());
    }

    @Test
    void analyzeRouteErrorsOnlyFailures() {
        Golden.check("analyze-route-errors-dropped.txt", ok("analyze", Cli.bundle("route-errors"), "--disposition", "dropped"));
    }

    @Test
    void explainClusterIpSyn() {
        Golden.check("explain-clusterip-tcp-3.txt", ok("explain", Cli.bundle("clusterip-tcp"), "3"));
    }

    @Test
    void explainRejectWithMisses() {
        Golden.check("explain-no-endpoints-reject-3-misses.txt",
                ok("explain", Cli.bundle("no-endpoints-reject"), "3", "--misses"));
    }

    @Test
    void explainRouteErrorJson() {
        Golden.check("explain-route-errors-11.json", ok("explain", Cli.bundle("route-errors"), "11", "--format", "json"));
    }

    @Test
    void traceRulesFileText() {
        Golden.check("trace-clusterip-rules.txt", ok("trace", "--rules",
                Cli.bundle("clusterip-tcp") + "/iptables-save.txt", "--src", "10.244.1.2", "--dst", "10.96.0.10",
                "--proto", "tcp", "--dport", "80"));
    }

    @Test
    void traceRulesFileJson() {
        Golden.check("trace-clusterip-rules.json", ok("trace", "--rules",
                Cli.bundle("clusterip-tcp") + "/iptables-save.txt", "--src", "10.244.1.2", "--dst", "10.96.0.10",
                "--proto", "tcp", "--dport", "80", "--format", "json"));
    }

    @Test
    void traceBundleEnteringEth0() {
        Golden.check("trace-docker-publish-eth0.txt", ok("trace", Cli.bundle("docker-publish"), "--in", "eth0",
                "--src", "172.18.0.1", "--dst", "172.18.0.2", "--proto", "tcp", "--dport", "8080"));
    }

    @Test
    void traceBundleEntersWhereTheRouteBackLeads() {
        Golden.check("trace-route-errors-inferred.txt", ok("trace", Cli.bundle("route-errors"), "--src", "172.18.0.1",
                "--dst", "10.9.9.9", "--proto", "tcp", "--dport", "80"));
    }

    @Test
    void flowsClusterIp() {
        Golden.check("flows-clusterip-tcp.txt", ok("flows", Cli.bundle("clusterip-tcp")));
    }

    @Test
    void flowsOverlayVxlanMarksEachCarrierFlow() {
        Golden.check("flows-overlay-vxlan.txt", ok("flows", Cli.bundle("overlay-vxlan")));
    }

    @Test
    void flowsCalicoVxlanJson() {
        Golden.check("flows-overlay-calico-vxlan.json", ok("flows", Cli.bundle("overlay-calico-vxlan"), "--format", "json"));
    }

    @Test
    void rulesCheckRouteErrors() {
        Golden.check("rules-check-route-errors.txt", ok("rules", "check", Cli.bundle("route-errors")));
    }

    @Test
    void rulesHitsClusterIp() {
        Golden.check("rules-hits-clusterip-tcp.txt", ok("rules", "hits", Cli.bundle("clusterip-tcp")));
    }

    @Test
    void rulesHitsClusterIpJson() {
        Golden.check("rules-hits-clusterip-tcp.json", ok("rules", "hits", Cli.bundle("clusterip-tcp"), "--format", "json"));
    }
}
