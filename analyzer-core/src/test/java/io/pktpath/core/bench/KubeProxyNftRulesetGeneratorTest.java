package io.pktpath.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.findings.SampleBundles;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.nft.NftNativeReplay;
import io.pktpath.parser.nft.NftRuleset;
import io.pktpath.parser.nft.NftRulesetParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The generated kube-proxy nftables ruleset is read without a diagnostic and every base chain of it is replayed; its
 * chain names hash as kube-proxy's do (checked against the recorded nft-kube-proxy bundle), and it holds one
 * service-ips element per service and one endpoint chain per endpoint.
 */
class KubeProxyNftRulesetGeneratorTest {
    @Test
    void chainNamesHashAsTheRecordedKubeProxyNamedThem() throws IOException {
        String recorded = Files.readString(bundles().resolve("nft-kube-proxy/nft-ruleset.txt"));
        String[][] names = {{"default/web:http/tcp", "service-", "default/web/tcp/http"},
            {"default/dns:dns/udp", "service-", "default/dns/udp/dns"},
            {"default/web:http/tcp10.244.1.3:8080", "endpoint-", "default/web/tcp/http__10.244.1.3/8080"},
            {"default/dns:dns/udp10.244.1.4:5353", "endpoint-", "default/dns/udp/dns__10.244.1.4/5353"}};
        for (String[] n : names) {
            String chain = n[1] + KubeProxyNftRulesetGenerator.hash8(n[0]) + "-" + n[2];
            assertTrue(recorded.contains("chain " + chain + " {"), chain);
        }
    }

    @Test
    void everyBaseChainIsReadAndReplayed() {
        KubeCluster cluster = KubeCluster.generate(300, 11);
        String text = KubeProxyNftRulesetGenerator.generate(cluster);
        Parsed<NftRuleset> parsed = NftRulesetParser.parse("nft-ruleset.txt", text);
        assertEquals(List.of(), parsed.diagnostics());
        NftRuleset ruleset = parsed.value();
        NftNativeReplay replay = NftNativeReplay.of(ruleset);
        assertEquals(8, ruleset.nativeBaseChains().size());
        for (var chain : ruleset.nativeBaseChains()) {
            assertTrue(replay.replays(chain), chain.qualifiedName() + ": " + replay.refusal(chain.qualifiedName()));
        }
        long endpoints = cluster.services().stream().mapToLong(s -> s.endpoints().size()).sum();
        assertEquals(endpoints, text.lines().filter(l -> l.startsWith("\tchain endpoint-")).count());
        assertEquals(cluster.services().size(),
                text.lines().filter(l -> l.matches("\tchain service-[A-Z2-7]{8}-.*")).count());
        assertEquals(cluster.services().size(), text.lines().filter(l -> l.contains(" : goto service-")).count());
    }

    private static Path bundles() {
        return SampleBundles.bundles();
    }
}
