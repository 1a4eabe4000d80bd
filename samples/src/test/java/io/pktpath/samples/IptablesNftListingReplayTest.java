package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleInput;
import io.pktpath.parser.bundle.BundleLoader;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.nft.IptablesNftTables;
import io.pktpath.parser.nft.NftHookedChain;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A recorded bundle as an sosreport of a RHEL 8/9 node holds it: no iptables-save, ip6tables-save or rules-input.txt,
 * but {@code nft list ruleset} with iptables-nft's tables. Each listing under {@code iptables-nft-listings/} was made by
 * loading the bundle's iptables-save.txt and ip6tables-save.txt with iptables-restore and ip6tables-restore (iptables
 * 1.8.9, nf_tables) into a fresh pkp-ntl namespace and running {@code nft list ruleset} (nft 1.0.6) there. The ground
 * truth is the unmodified bundle's replay from iptables-save, which the bundle's own test checks against the kernel:
 * every frame's role, disposition, NAT and egress (device and route) must be the same; the steps differ (nft's chain
 * names, rule numbers and no comments).
 */
class IptablesNftListingReplayTest {
    private static final Path LISTINGS = RecordedBundles.repoRoot()
            .resolve("samples/src/test/resources/iptables-nft-listings");

    /** The bundle's files but its iptables rules and any nft listing, and the generated listing as nft-ruleset.txt. */
    private static Bundle fromListing(Path dir, Path listing) throws IOException {
        List<BundleInput> inputs = new ArrayList<>(RecordedBundles.inputsWithoutRules(dir));
        inputs.add(new BundleInput(listing, "nft-ruleset.txt", Optional.empty()));
        return BundleLoader.loadFiles(inputs);
    }

    /** What a user reads of a frame, rule names aside. */
    private static List<String> outcomes(List<PacketTrace> traces) {
        return traces.stream().map(t -> t.packet().frame() + " " + t.role() + " " + t.disposition() + " nat="
                + t.nat().map(Object::toString).orElse("-") + " route=" + t.route().map(r -> r.dev() + " via "
                + r.via() + " table " + r.table()).orElse("-") + " correlated=" + t.correlated()).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"clusterip-tcp", "nodeport-external", "pod-egress-masq", "docker-publish", "hairpin-masq",
            "rp-filter-drop", "ipv6-dnat-masq"})
    void eachFrameEndsAsWithIptablesSave(String name) throws IOException {
        Path dir = RecordedBundles.bundlesDir().resolve(name);
        Path listing = LISTINGS.resolve(name + ".nft");
        Bundle bundle = fromListing(dir, listing);
        assertTrue(bundle.rulesetV4().isEmpty() && bundle.rulesetV6().isEmpty(), name);
        assertEquals(Set.of(IpFamily.V4, IpFamily.V6), bundle.nftReplay().iptablesFromListing());
        List<NftHookedChain> own = bundle.nftReplay().considered().stream()
                .filter(h -> IptablesNftTables.isIptablesOwn(h.table(), h.chain())).toList();
        assertFalse(own.isEmpty(), name);
        for (NftHookedChain h : own) {
            // the one refusal these recordings need: kube-proxy's KUBE-FIREWALL rule, which nft prints lossily
            bundle.nftReplay().refusal(h.qualifiedName()).ifPresent(why -> assertTrue(why.contains("in chain"
                    + " KUBE-FIREWALL: 'ct status' in iptables-nft's table is nft's print of iptables' conntrack"
                    + " match"), h.qualifiedName() + ": " + why));
        }
        assertTrue(own.stream().filter(h -> h.table().name().equals("nat")).allMatch(bundle.nftReplay()::replays));
        Bundle saved = BundleLoader.loadDirectory(dir);
        int compared = 0;
        for (IpFamily family : IpFamily.values()) {
            for (var table : bundle.nftReplay().ruleset(family).tables()) {
                String iptTable = table.name().substring(table.name().indexOf(' ') + 1);
                for (var chain : table.chains()) {
                    var original = saved.ruleset(family).flatMap(r -> r.table(iptTable)).flatMap(t -> t.chain(chain.name()))
                            .orElseThrow(() -> new AssertionError(table.name() + " " + chain.name()));
                    assertEquals(original.rules().size(), chain.rules().size(), "one replayed rule per iptables-save"
                            + " rule: " + table.name() + " " + chain.name());
                    compared += chain.rules().size();
                }
            }
        }
        assertTrue(compared >= 5, name + ": " + compared);

        Path capture = dir.resolve("capture.pcap");
        List<PacketTrace> expected = CaptureReplays.replay(saved, capture);
        List<PacketTrace> actual = new ArrayList<>();
        io.pktpath.core.analysis.AnalysisResult result = Analyzer.analyze(bundle, Optional.of(capture),
                AnalysisOptions.DEFAULT, actual::add, n -> { }, () -> false);
        List<String> assumptions = result.assumptions();
        boolean refused = own.stream().anyMatch(h -> bundle.nftReplay().refusal(h.qualifiedName()).isPresent());
        result.findings().stream().filter(f -> f.code().equals("NFT_NATIVE_CHAINS")).forEach(f -> {
            // iptables-nft's refused chains are not called native, and the fix says which dump replays them
            assertTrue(!refused || f.title().startsWith("The node has nftables base chains (iptables-nft's among them, "
                    + "read from the listing) pktpath does not replay"), f.title());
            assertTrue(!refused || f.fix().contains("iptables-nft's are replayed in full from the node's iptables-save"),
                    f.fix());
        });
        assertEquals(outcomes(expected), outcomes(actual), name);
        assertTrue(assumptions.stream().anyMatch(a -> a.startsWith("the bundle has no iptables-save (IPv4) and no"
                + " ip6tables-save (IPv6): iptables-nft's tables are replayed from nft-ruleset.txt")
                && a.contains("no rule comments")), assumptions.toString());
    }
}
