package io.pktpath.core.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.bench.KubeCluster;
import io.pktpath.core.bench.KubeProxyNftRulesetGenerator;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.nft.NftNativeReplay;
import io.pktpath.parser.nft.NftRulesetParser;
import org.junit.jupiter.api.Test;

/**
 * Remembered paths on a node with native nftables chains: allowed when every rule the replayed filter chains reach is
 * the same for every packet of a flow direction (kube-proxy's nftables table: its numgen draws are in nat chains,
 * which only a first packet walks), refused when a filter chain draws at random or changes a set (a set statement, also
 * before a verdict).
 */
class SteadyPathsNativesTest {
    private static NftNativeReplay replay(String text) {
        return NftNativeReplay.of(NftRulesetParser.parse("nft-ruleset.txt", text).value());
    }

    @Test
    void kubeProxysNftablesTableKeepsRememberedPaths() {
        NftNativeReplay natives = replay(KubeProxyNftRulesetGenerator.generate(KubeCluster.generate(50, 3)));
        assertEquals(8, natives.chains().size());
        assertTrue(SteadyPaths.nativesStable(natives, IpFamily.V4));
    }

    @Test
    void aFilterChainThatDrawsAtRandomTurnsThemOff() {
        NftNativeReplay natives = replay("""
                table inet pkp_fw {
                	chain forward {
                		type filter hook forward priority filter; policy accept;
                		ct state established jump sample
                	}

                	chain sample {
                		numgen random mod 2 vmap { 0 : accept, 1 : drop }
                	}
                }
                """);
        assertEquals(1, natives.chains().size(), natives.toString());
        assertFalse(SteadyPaths.nativesStable(natives, IpFamily.V4));
        assertTrue(SteadyPaths.nativesStable(NftNativeReplay.none(), IpFamily.V4));
    }

    @Test
    void aSetStatementBeforeAVerdictTurnsThemOffAndAMarkBeforeOneKeepsThem() {
        String table = """
                table inet pkp_sv {
                	set seen {
                		type ipv4_addr
                		flags dynamic,timeout
                		timeout 1m
                	}
                	chain input {
                		type filter hook input priority filter + 10; policy accept;
                		RULE
                	}
                }
                """;
        NftNativeReplay set = replay(table.replace("RULE", "tcp dport 8080 ct state new add @seen { ip saddr } accept"));
        assertEquals(1, set.chains().size(), "the rule is replayed");
        assertFalse(SteadyPaths.nativesStable(set, IpFamily.V4), "the set it changes is read by later packets");
        NftNativeReplay mark = replay(table.replace("RULE", "tcp dport 22 meta mark set 0x1 accept"));
        assertEquals(1, mark.chains().size());
        assertTrue(SteadyPaths.nativesStable(mark, IpFamily.V4), "a mark is the same for every packet of the flow");
    }
}
