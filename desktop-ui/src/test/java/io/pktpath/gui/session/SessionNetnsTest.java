package io.pktpath.gui.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.bundle.BundleOpenException;
import io.pktpath.gui.Samples;
import io.pktpath.parser.iproute.NetInterface;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A session of an sosreport holding network namespaces (rules-parser's {@code sos-netns}: real outputs of sos's
 * per-namespace commands in pkp-nsx-a, 10.77.1.2, and pkp-nsx-b, 10.77.2.2; the node has 10.77.1.1 and 10.77.2.1), loaded
 * as the node and as each namespace, in both sos layouts.
 */
class SessionNetnsTest {
    static Path report(String layout) {
        return Samples.root().resolve("rules-parser/src/test/resources/io/pktpath/parser/bundle/sos-netns/" + layout);
    }

    private static List<String> addresses(Session s) {
        return s.bundle().interfaces().stream().map(NetInterface::addresses).flatMap(List::stream)
                .map(a -> a.cidr().address().toString()).filter(a -> a.startsWith("10.")).sorted().toList();
    }

    private static Session load(Path report, Optional<String> netns) throws BundleOpenException {
        return SessionLoader.standard().load(new SessionSource(List.of(report), netns), n -> { }, () -> false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sos4", "sos3"})
    void loadsTheNodeOrOneNamespace(String layout) throws Exception {
        try (Session node = load(report(layout), Optional.empty())) {
            assertEquals(List.of("10.77.1.1", "10.77.2.1"), addresses(node));
            assertEquals(List.of("pkp-nsx-a", "pkp-nsx-b"), node.bundle().inventory().namespaces());
            assertEquals("", node.bundle().inventory().netns());
        }
        try (Session a = load(report(layout), Optional.of("pkp-nsx-a"))) {
            assertEquals(List.of("10.77.1.2"), addresses(a));
            assertEquals("pkp-nsx-a", a.bundle().inventory().netns());
            assertEquals(layout + " (network namespace pkp-nsx-a)", a.source().title());
        }
        try (Session b = load(report(layout), Optional.of("pkp-nsx-b"))) {
            assertEquals(List.of("10.77.2.2"), addresses(b));
            assertTrue(b.bundle().rulesetV4().flatMap(r -> r.table("nat")).isPresent(), "pkp-nsx-b's DNAT rule");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sos4"})
    void anUnknownNamespaceIsAnOpenErrorListingTheNames(String layout) {
        BundleOpenException e = assertThrows(BundleOpenException.class, () -> load(report(layout), Optional.of("x")));
        assertEquals(report(layout) + ": no network namespace x in this bundle; it holds: pkp-nsx-a, pkp-nsx-b",
                e.getMessage());
    }
}
