package io.pktpath.parser.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.parser.net.IpFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kube-proxy's nftables table as recorded (samples/bundles/nft-kube-proxy): every base chain replayed, the nat chains
 * marked as such, and the recording's second table's nat chain at dstnat - 10.
 */
class NftKubeProxyTranslationTest {
    private static NftFilterReplay recorded() throws IOException {
        String text = Files.readString(Path.of("../samples/bundles/nft-kube-proxy/nft-ruleset.txt"));
        return NftFilterReplay.of(NftRulesetParser.parse("nft-ruleset.txt", text).value());
    }

    @Test
    void everyBaseChainOfKubeProxysTableIsReplayed() throws IOException {
        NftFilterReplay replay = recorded();
        for (String c : List.of("filter-prerouting-pre-dnat", "filter-output-pre-dnat", "filter-forward", "filter-input",
                "filter-output", "nat-output", "nat-postrouting", "nat-prerouting")) {
            assertEquals(java.util.Optional.empty(), replay.refusal("ip kube-proxy " + c), c);
        }
        List<NftFilterReplay.ReplayedChain> kubeProxy = replay.chains().stream()
                .filter(c -> c.table().equals("ip kube-proxy")).toList();
        assertEquals(List.of(false, false, false, false, false, true, true, true),
                kubeProxy.stream().map(NftFilterReplay.ReplayedChain::nat).toList());
        NftFilterReplay.ReplayedChain early = replay.chains().get(replay.chains().size() - 1);
        assertEquals("ip pkp-early pre", early.chain().qualifiedName());
        assertEquals(-110, early.priority());
        assertEquals(java.util.Set.of(true), java.util.Set.of(early.nat()));
        assertEquals(List.of(), replay.ruleset(IpFamily.V6).tables());
    }
}
