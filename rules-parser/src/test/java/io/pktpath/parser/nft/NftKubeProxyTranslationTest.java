package io.pktpath.parser.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.parser.net.IpFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** kube-proxy's nftables table as recorded (samples/bundles/nft-kube-proxy): every base chain replayed. */
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
        assertEquals(8, replay.chains().size());
        assertEquals(List.of(false, false, false, false, false, true, true, true),
                replay.chains().stream().map(NftFilterReplay.ReplayedChain::nat).toList());
        assertEquals(List.of(), replay.ruleset(IpFamily.V6).tables());
    }
}
