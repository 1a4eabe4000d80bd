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
    private static NftNativeReplay recorded() throws IOException {
        String text = Files.readString(Path.of("../samples/bundles/nft-kube-proxy/nft-ruleset.txt"));
        return NftNativeReplay.of(NftRulesetParser.parse("nft-ruleset.txt", text).value());
    }

    @Test
    void theOlderShapeWithItsPostDnatFilterChainAndASingleEndpointIsReplayedToo() throws IOException {
        String text;
        try (java.io.InputStream in = getClass().getResourceAsStream("kube-proxy-nftables-ruleset.txt")) {
            text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        NftNativeReplay replay = NftNativeReplay.of(NftRulesetParser.parse("kp.txt", text).value());
        assertEquals(List.of("filter-prerouting", "filter-input", "filter-forward", "filter-output",
                "filter-output-post-dnat", "nat-prerouting", "nat-output", "nat-postrouting"),
                replay.chains().stream().map(NftNativeReplay.ReplayedChain::name).toList());
        io.pktpath.parser.iptables.model.Chain kubernetes = replay.ruleset(IpFamily.V4).table("ip kube-proxy")
                .flatMap(t -> t.chain("service-2QRHZV4L-default/kubernetes/tcp/https")).orElseThrow();
        assertEquals(List.of("-A service-2QRHZV4L-default/kubernetes/tcp/https -p tcp -d 10.96.0.1 ! -s 10.244.0.0/16 -m tcp"
                + " --dport 443 -j mark-for-masquerade", "-A service-2QRHZV4L-default/kubernetes/tcp/https -g "
                + "endpoint-5OJB2KTY-default/kubernetes/tcp/https__172.18.0.2/6443"),
                kubernetes.rules().stream().map(io.pktpath.parser.iptables.RuleRenderer::render).toList(),
                "numgen random mod 1: the one endpoint is no draw");
    }

    @Test
    void theRecordedEndpointDrawIsNamedAsNftNamesIt() throws IOException {
        io.pktpath.parser.iptables.model.Chain web = recorded().ruleset(IpFamily.V4).table("ip kube-proxy")
                .flatMap(t -> t.chain("service-OSC5D42R-default/web/tcp/http")).orElseThrow();
        List<io.pktpath.parser.iptables.model.Rule> drawn = web.rules().stream().filter(r -> r.position() == 2).toList();
        assertEquals(2, drawn.size(), "one rule per element of the map");
        io.pktpath.parser.iptables.match.NumgenMatch draw = drawn.get(0)
                .matches(io.pktpath.parser.iptables.match.NumgenMatch.class).get(0);
        assertEquals(List.of("numgen random mod 2", "numgen 0 -> goto endpoint-NQEKUQVR-default/web/tcp/http__10.244.1.3/8080",
                "numgen != 0", "-A service-OSC5D42R-default/web/tcp/http -m statistic --mode random --probability "
                        + "0.50000000000 -g endpoint-NQEKUQVR-default/web/tcp/http__10.244.1.3/8080"),
                List.of(draw.draw(), draw.picked(), draw.notPicked(),
                        io.pktpath.parser.iptables.RuleRenderer.render(drawn.get(0))),
                "named as nft does, rendered as iptables would write the same draw");
        assertEquals(List.of(), drawn.get(1).matches(io.pktpath.parser.iptables.match.NumgenMatch.class),
                "the last endpoint takes what is left");
    }

    @Test
    void everyBaseChainOfKubeProxysTableIsReplayed() throws IOException {
        NftNativeReplay replay = recorded();
        for (String c : List.of("filter-prerouting-pre-dnat", "filter-output-pre-dnat", "filter-forward", "filter-input",
                "filter-output", "nat-output", "nat-postrouting", "nat-prerouting")) {
            assertEquals(java.util.Optional.empty(), replay.refusal("ip kube-proxy " + c), c);
        }
        List<NftNativeReplay.ReplayedChain> kubeProxy = replay.chains().stream()
                .filter(c -> c.table().equals("ip kube-proxy")).toList();
        assertEquals(List.of(false, false, false, false, false, true, true, true),
                kubeProxy.stream().map(NftNativeReplay.ReplayedChain::nat).toList());
        NftNativeReplay.ReplayedChain early = replay.chains().get(replay.chains().size() - 1);
        assertEquals("ip pkp-early pre", early.chain().qualifiedName());
        assertEquals(-110, early.priority());
        assertEquals(java.util.Set.of(true), java.util.Set.of(early.nat()));
        assertEquals(List.of(), replay.ruleset(IpFamily.V6).tables());
    }
}
