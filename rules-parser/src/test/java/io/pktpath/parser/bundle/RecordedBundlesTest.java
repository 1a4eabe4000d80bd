package io.pktpath.parser.bundle;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.iproute.IpAddrJsonParser;
import io.pktpath.parser.iproute.IpAddrParser;
import io.pktpath.parser.iproute.IpMaddrJsonParser;
import io.pktpath.parser.iproute.IpMaddrParser;
import io.pktpath.parser.iproute.IpRouteJsonParser;
import io.pktpath.parser.iproute.IpRouteParser;
import io.pktpath.parser.iproute.IpRuleJsonParser;
import io.pktpath.parser.iproute.IpRuleParser;
import io.pktpath.parser.iproute.MulticastGroups;
import io.pktpath.parser.iproute.PolicyRule;
import io.pktpath.parser.iproute.Route;
import io.pktpath.parser.net.IpFamily;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the loader and the text/JSON parsers over the finished kernel recordings in {@code samples/bundles} (those with
 * a README.md, which the recorder writes last).
 */
class RecordedBundlesTest {
    private static final Path BUNDLES = Path.of("../samples/bundles");
    private static final List<String> MY_PREFIXES = List.of("ip-", "sysctl", "conntrack", "uname");
    private static final List<String> COMPLETE = List.of("README.md", "capture.pcap", "ip-addr.txt", "ip-route.txt",
            "ip-neigh.txt", "sysctl.txt", "conntrack-S.txt", "trace.txt", "uname.txt", "iptables-save.txt");

    private static List<Path> bundlesWithJson() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(BUNDLES), "no recorded bundles in " + BUNDLES);
        try (Stream<Path> s = Files.list(BUNDLES)) {
            return s.filter(d -> Files.exists(d.resolve("README.md")) && Files.exists(d.resolve("ip-j-addr.json"))
                            && Files.exists(d.resolve("ip-addr.txt")))
                    .sorted().toList();
        }
    }

    @Test
    void textAndJsonOfEveryRecordingGiveEqualInterfacesAndRoutes() throws IOException {
        List<Path> dirs = bundlesWithJson();
        assertTrue(dirs.size() >= 1);
        for (Path d : dirs) {
            assertEquals(IpAddrParser.parse("t", Files.readString(d.resolve("ip-addr.txt"))).value(),
                    IpAddrJsonParser.parse("j", Files.readString(d.resolve("ip-j-addr.json"))).value(), d.toString());
            List<Route> text = IpRouteParser.parse("t", Files.readString(d.resolve("ip-route.txt"))).value();
            List<Route> json = IpRouteJsonParser.parse("j", Files.readString(d.resolve("ip-j-route.json"))).value();
            assertTrue(text.size() > 0, d.toString());
            assertEquals(text.stream().map(Route::withoutSource).toList(), json.stream().map(Route::withoutSource).toList(),
                    d.toString());
            sameRulesIfRecorded(d, "ip-rule.txt", "ip-j-rule.json", IpFamily.V4);
            sameRulesIfRecorded(d, "ip-6-rule.txt", "ip-j-6-rule.json", IpFamily.V6);
            if (Files.exists(d.resolve("ip-j-maddr.json"))) {
                assertEquals(IpMaddrParser.parse("t", Files.readString(d.resolve("ip-maddr.txt"))).value().stream()
                        .map(MulticastGroups::withoutSpans).toList(), IpMaddrJsonParser.parse("j", Files.readString(
                        d.resolve("ip-j-maddr.json"))).value().stream().map(MulticastGroups::withoutSpans).toList(),
                        d.toString());
            }
        }
    }

    /** The recorder saves ip -j rule (and ip -j maddr) beside the text; recordings made before it did lack them. */
    private static void sameRulesIfRecorded(Path d, String textName, String jsonName, IpFamily family) throws IOException {
        if (Files.exists(d.resolve(jsonName))) {
            List<PolicyRule> text = IpRuleParser.parse("t", Files.readString(d.resolve(textName)), family).value();
            List<PolicyRule> json = IpRuleJsonParser.parse("j", Files.readString(d.resolve(jsonName)), family).value();
            assertTrue(text.size() > 0, d.toString());
            assertEquals(text.stream().map(PolicyRule::withoutSpan).toList(),
                    json.stream().map(PolicyRule::withoutSpan).toList(), d + ": " + jsonName);
        }
    }

    @Test
    void everyRecordingLoadsWithoutErrorsFromTheseParsers() throws IOException {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Path d : bundlesWithJson()) {
            List<String> before = listing(d);
            Bundle b = BundleLoader.loadDirectory(d);
            if (!before.equals(listing(d)) || !before.containsAll(COMPLETE)) {
                continue; // being re-recorded right now
            }
            checked++;
            for (Diagnostic diag : b.diagnostics()) {
                if (diag.isError() && MY_PREFIXES.stream().anyMatch(p -> diag.span().file().startsWith(p))) {
                    problems.add(d.getFileName() + ": " + diag.headline());
                }
            }
            assertTrue(b.has(InputKind.IP_ADDR) && b.has(InputKind.IP_ROUTE) && b.has(InputKind.SYSCTL)
                    && b.has(InputKind.CAPTURE) && b.has(InputKind.TRACE_LOG) && b.has(InputKind.IPTABLES_SAVE)
                    && b.has(InputKind.IP_NEIGH) && b.has(InputKind.CONNTRACK_STATS), d + ": " + b.inventory().lines());
            assertTrue(b.kernel().isPresent(), d.toString());
            assertTrue(b.countersV4().after().isPresent() || b.countersV6().after().isPresent(), d.toString());
        }
        assertTrue(checked >= 1);
        assertEquals(List.of(), problems);
    }

    private static List<String> listing(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
