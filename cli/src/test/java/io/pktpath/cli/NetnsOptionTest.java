package io.pktpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --netns NAME} on an sosreport made of sos's per-namespace commands' real outputs (rules-parser's
 * {@code sos-netns}, both sos layouts): pkp-nsx-a (10.77.1.2) accepts tcp/8080 at INPUT and drops the rest from eth0;
 * the node (10.77.1.1, 10.77.2.1) forwards nsxa to nsxb and drops the rest of FORWARD.
 */
class NetnsOptionTest {
    private static String report(String layout) {
        return Cli.root().resolve("rules-parser/src/test/resources/io/pktpath/parser/bundle/sos-netns/" + layout)
                .toString();
    }

    private static String outcome(Cli.Result r) {
        return r.out().lines().filter(l -> l.startsWith("outcome 1")).findFirst().orElse(r.out() + r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sos4", "sos3"})
    void rulesCheckListsTheNamespacesAndReadsOne(String layout) {
        Cli.Result node = Cli.run("rules", "check", report(layout), "--no-color");
        assertEquals(0, node.exit(), node.err());
        assertTrue(node.out().contains("  read as the node; network namespaces held (read one with --netns NAME):"
                + " pkp-nsx-a, pkp-nsx-b\n"), node.out());
        assertTrue(node.out().contains("10.77.2.1/24") && !node.out().contains("10.77.1.2/24"), node.out());

        Cli.Result a = Cli.run("rules", "check", report(layout), "--netns", "pkp-nsx-a", "--no-color");
        assertEquals(0, a.exit(), a.err());
        assertTrue(a.out().contains("  read as network namespace pkp-nsx-a (the node's own networking files ignored;"
                + " namespaces held: pkp-nsx-a, pkp-nsx-b)\n"), a.out());
        assertTrue(a.out().contains("  2: eth0 UP  10.77.1.2/24"), a.out());
        assertFalse(a.out().contains("10.77.2.1/24"), a.out());
        assertTrue(a.out().contains("    INPUT policy ACCEPT, 2 rules"), a.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sos4", "sos3"})
    void traceWalksTheNamespacesRulesNotTheNodes(String layout) {
        List<String> toA = List.of("--src", "10.77.1.1", "--dst", "10.77.1.2", "--proto", "tcp", "--no-color");
        Cli.Result ssh = Cli.run(args("trace", report(layout), "--netns", "pkp-nsx-a", "--in", "eth0", "--dport", "22",
                toA));
        assertTrue(outcome(ssh).contains("DROPPED_BY_RULE - dropped by filter INPUT rule 2")
                && outcome(ssh).endsWith("-A INPUT -i eth0 -j DROP"), outcome(ssh));
        Cli.Result web = Cli.run(args("trace", report(layout), "--netns", "pkp-nsx-a", "--in", "eth0", "--dport",
                "8080", toA));
        assertTrue(outcome(web).contains("DELIVERED_LOCALLY"), outcome(web));

        Cli.Result node = Cli.run("trace", report(layout), "--in", "nsxb", "--src", "10.77.2.2", "--dst", "10.77.1.2",
                "--proto", "tcp", "--dport", "22", "--no-color");
        assertTrue(outcome(node).contains("dropped by filter FORWARD rule 2"), outcome(node));
    }

    @ParameterizedTest
    @ValueSource(strings = {"analyze", "explain", "flows", "rules check", "rules hits", "trace"})
    void anUnknownNameIsAnInputErrorListingTheNames(String command) {
        List<String> line = new java.util.ArrayList<>(List.of(command.split(" ")));
        line.add(report("sos4"));
        line.addAll(List.of("--netns", "pkp-nsx-c"));
        if (command.equals("explain")) {
            line.add("1");
        } else if (command.equals("trace")) {
            line.addAll(List.of("--local", "--src", "10.77.1.2", "--dst", "10.77.1.1", "--proto", "tcp", "--dport", "1"));
        }
        Cli.Result r = Cli.run(line.toArray(String[]::new));
        assertEquals(3, r.exit(), r.out() + r.err());
        assertEquals("pktpath: $ROOT/rules-parser/src/test/resources/io/pktpath/parser/bundle/sos-netns/sos4: no network namespace pkp-nsx-c in this bundle; it holds:"
                + " pkp-nsx-a, pkp-nsx-b", r.err().strip());
    }

    @org.junit.jupiter.api.Test
    void traceWithRulesRefusesIt() {
        Cli.Result r = Cli.run("trace", "--rules", report("sos4") + "/sos_commands/networking/iptables-save",
                "--netns", "pkp-nsx-a", "--src", "10.0.0.1", "--dst", "10.0.0.2", "--proto", "tcp", "--dport", "1");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("--netns reads a BUNDLE"), r.err());
    }

    private static String[] args(String command, String bundle, String o1, String v1, String o2, String v2, String o3,
                                 String v3, List<String> rest) {
        List<String> all = new java.util.ArrayList<>(List.of(command, bundle, o1, v1, o2, v2, o3, v3));
        all.addAll(rest);
        return all.toArray(String[]::new);
    }
}
