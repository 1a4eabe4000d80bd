package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleInput;
import io.pktpath.parser.bundle.BundleLoader;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.model.Table;
import io.pktpath.parser.net.IpFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A recorded bundle as a modern sosreport holds it: no iptables-save, ip6tables-save or rules-input.txt, but the
 * firewall_tables plugin's {@code iptables -t TABLE -nvL} of each table {@code nft list ruleset} shows,
 * {@code iptables -vnxL} (the filter table, exact counters), ip6tables' likewise, and {@code nft list ruleset}. Each
 * directory under {@code iptables-nvl-listings/} was made by loading the bundle's ipset-save and its
 * iptables-save-c-after.txt (else iptables-save.txt), ip6tables' likewise, with ipset restore and iptables-restore -c
 * (iptables 1.8.9, nf_tables) into a fresh pkp-nvl namespace and listing there ({@code clusterip-affinity}'s nat table
 * with {@code --line-numbers}). The ground truth is the unmodified bundle's replay from iptables-save, which the
 * bundle's own test checks against the kernel: every frame's role, disposition, NAT, egress and steps must be the same,
 * the steps' rules named by the listing's file and line instead of iptables-save's. These bundles hold what nft's
 * listing could not replay: kube-proxy's KUBE-FIREWALL (etp-local-drop), session affinity ({@code recent},
 * clusterip-affinity), TPROXY (tproxy-istio), ipsets (ipset-calico), and an IPv6 node (ipv6-dnat-masq).
 */
class IptablesListingReplayTest {
    private static final Path LISTINGS = RecordedBundles.repoRoot()
            .resolve("samples/src/test/resources/iptables-nvl-listings");

    /** The bundle's files but its iptables rules and nft listing, and the listings of {@code listings}. */
    static Bundle fromListings(Path dir, Path listings) throws IOException {
        List<BundleInput> inputs = new ArrayList<>(RecordedBundles.inputsWithoutRules(dir));
        try (var files = Files.list(listings)) {
            files.sorted().forEach(f -> inputs.add(new BundleInput(f, f.getFileName().toString(), Optional.empty())));
        }
        return BundleLoader.loadFiles(inputs);
    }

    /** What a user reads of a frame, and its steps with their rules' places left out. */
    private static List<String> outcomes(List<PacketTrace> traces) {
        return traces.stream().map(t -> t.packet().frame() + " " + t.role() + " " + t.disposition() + " nat="
                + t.nat().map(Object::toString).orElse("-") + " route=" + t.route().map(r -> r.dev() + " via "
                + r.via() + " table " + r.table()).orElse("-") + " correlated=" + t.correlated() + " steps="
                + t.path().toString().replaceAll("span=[^,\\]]*", "span=")).toList();
    }

    /**
     * Every rule as {@code table chain #n text} (the listings' counters are checked against the namespace's own
     * iptables-save -c by ListingReaderTest: ip6tables-restore -c of iptables 1.8.9 restored the policies' counters
     * but left ipv6-dnat-masq's rules at 0).
     */
    private static List<String> rules(Ruleset r) {
        List<String> out = new ArrayList<>();
        for (Table t : r.tables()) {
            for (Chain c : t.chains()) {
                for (Rule rule : c.rules()) {
                    out.add(t.name() + " " + c.name() + " #" + rule.position() + " " + rule.text());
                }
            }
        }
        out.sort(null);
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"etp-local-drop", "clusterip-affinity", "tproxy-istio", "ipset-calico", "ipv6-dnat-masq"})
    void eachFrameEndsAsWithIptablesSave(String name) throws IOException {
        Path dir = RecordedBundles.bundlesDir().resolve(name);
        Bundle bundle = fromListings(dir, LISTINGS.resolve(name));
        Bundle saved = BundleLoader.loadDirectory(dir);
        assertTrue(bundle.diagnostics().stream().noneMatch(d -> d.isError()), bundle.diagnostics().toString());
        assertTrue(bundle.nftReplay().considered().stream().noneMatch(h -> io.pktpath.parser.nft.IptablesNftTables
                .isIptablesOwn(h.table(), h.chain())), "the -nvL listings, not nft's, give iptables' rules");
        int families = 0;
        for (IpFamily family : IpFamily.values()) {
            if (bundle.listings(family).isEmpty()) {
                assertTrue(saved.ruleset(family).map(r -> r.tables().stream().allMatch(t -> t.ruleCount() == 0))
                        .orElse(true), name + " " + family);
                continue;
            }
            families++;
            assertFalse(bundle.nftReplay().iptablesFromListing().contains(family), name + " " + family);
            // the same rules, texts and places in their chains as iptables-save's
            Ruleset fromListing = bundle.ruleset(family).orElseThrow();
            Ruleset after = saved.counters(family).after().or(() -> saved.ruleset(family)).orElseThrow();
            List<String> want = rules(after);
            assertFalse(want.isEmpty(), name);
            List<String> got = rules(fromListing);
            List<String> missing = new ArrayList<>(want);
            missing.removeAll(got);
            List<String> extra = new ArrayList<>(got);
            extra.removeAll(want);
            assertEquals(want, got, name + " " + family + ": missing " + missing + ", extra " + extra);
        }
        assertTrue(families > 0, name);

        Path capture = dir.resolve("capture.pcap");
        List<PacketTrace> expected = CaptureReplays.replay(saved, capture);
        List<PacketTrace> actual = new ArrayList<>();
        AnalysisResult result = Analyzer.analyze(bundle, Optional.of(capture), AnalysisOptions.DEFAULT, actual::add,
                n -> { }, () -> false);
        assertEquals(outcomes(expected), outcomes(actual), name);
        assertTrue(actual.stream().flatMap(t -> t.path().stream()).anyMatch(s -> s instanceof io.pktpath.core.trace.RuleStep r
                && r.rule().span().file().contains("tables_-")), name + ": steps name the listing");
        assertTrue(result.assumptions().stream().anyMatch(a -> a.matches("the bundle has no ip6?tables-save \\(IPv[46]\\): its"
                + " ip6?tables rules are replayed from the listings .*")), result.assumptions().toString());
    }

    /**
     * rate-limits' FORWARD holds two -m hashlimit rules, which the listing prints without their --hashlimit-name: both
     * are errors naming the file and line, FORWARD (which reaches them) is refused and said so, and everything else is
     * read as iptables-save has it: the raw table and filter OUTPUT rule for rule.
     */
    @org.junit.jupiter.api.Test
    void aRuleThatCannotBeReadBackRefusesOnlyTheChainReachingIt() throws IOException {
        Path dir = RecordedBundles.bundlesDir().resolve("rate-limits");
        Bundle bundle = fromListings(dir, LISTINGS.resolve("rate-limits"));
        Bundle saved = BundleLoader.loadDirectory(dir);
        List<String> errors = bundle.diagnostics().stream().filter(d -> d.isError()).map(d -> d.span().file() + ":"
                + d.span().line() + " " + d.code() + " " + d.message().contains("hashlimit")).toList();
        assertEquals(List.of("iptables_-vnxL:9 IPT_LISTING true", "iptables_-vnxL:18 IPT_LISTING true"), errors);
        List<String> refused = bundle.diagnostics().stream().filter(d -> d.code().equals("IPT_LISTING_CHAINS"))
                .map(d -> d.message().substring(0, d.message().indexOf(':'))).toList();
        assertEquals(List.of("chain filter FORWARD is not replayed"), refused);
        Ruleset listed = bundle.rulesetV4().orElseThrow();
        assertTrue(listed.table("filter").orElseThrow().chain("FORWARD").isEmpty());
        Ruleset after = saved.countersV4().after().orElseThrow();
        assertEquals(rules(after).stream().filter(r -> !r.startsWith("filter FORWARD ")).toList(), rules(listed));

        Path capture = dir.resolve("capture.pcap");
        List<PacketTrace> expected = CaptureReplays.replay(saved, capture);
        List<PacketTrace> actual = new ArrayList<>();
        AnalysisResult result = Analyzer.analyze(bundle, Optional.of(capture), AnalysisOptions.DEFAULT, actual::add,
                n -> { }, () -> false);
        assertTrue(result.assumptions().stream().anyMatch(a -> a.startsWith("the bundle has no iptables-save (IPv4)")
                && a.endsWith("; not replayed, their rules and policy assumed away (IPT_LISTING_CHAINS names the rule"
                + " they reach): filter FORWARD")), result.assumptions().toString());
        // every frame is replayed, through the raw table's rules from the listing (what FORWARD decided is assumed
        // away, and with it what followed from it, such as the resets its REJECT rules sent)
        assertEquals(expected.size(), actual.size());
        assertTrue(actual.stream().flatMap(t -> t.path().stream()).anyMatch(s -> s instanceof io.pktpath.core.trace.RuleStep r
                && r.rule().table().equals("raw") && r.rule().span().file().equals("iptables_-t_raw_-nvL")));
    }
}
