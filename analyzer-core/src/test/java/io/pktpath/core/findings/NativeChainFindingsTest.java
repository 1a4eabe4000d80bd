package io.pktpath.core.findings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NFT_NATIVE_CHAINS on the recorded nft-native-firewall node (capture, iptables rules) with other nft rulesets in place
 * of its own, each chain with a rule outside the replayed subset (chains pktpath replays make no finding): a chain that only counts is INFO and changes nothing, a policy-drop chain on a hook no frame passed is
 * still a WARNING, a netdev ingress chain counts the frames arriving on its device, and iptables-nft's own tables alone
 * make no finding.
 */
class NativeChainFindingsTest {
    @TempDir
    Path dir;

    /** The recorded bundle without its nft files, plus {@code ruleset} as nft.txt, analyzed; the NFT finding if any. */
    private Optional<Finding> withRuleset(String ruleset) throws IOException {
        Path source = SampleBundles.sample("nft-native-firewall");
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : files.filter(p -> !p.getFileName().toString().startsWith("nft-")
                    && !p.getFileName().toString().equals("README.md")).toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Files.writeString(dir.resolve("nft.txt"), ruleset);
        return Analyzer.analyze(BundleLoader.loadDirectory(dir), Optional.empty(), AnalysisOptions.DEFAULT, t -> { },
                n -> { }, () -> false).findings().stream().filter(f -> f.code().equals(Codes.NFT_NATIVE_CHAINS))
                .findFirst();
    }

    @Test
    void aCountingChainIsInfoAndLeavesTheVerdictsStanding() throws IOException {
        Finding f = withRuleset("""
                table inet watch {
                	chain in {
                		type filter hook input priority filter - 5; policy accept;
                		meta length 1-100 counter
                	}
                }
                """).orElseThrow();
        assertEquals(FindingSeverity.INFO, f.severity());
        assertEquals("The node has native nftables base chains pktpath does not replay; they only accept or count", f.title());
        assertEquals(List.of(), f.frames());
        assertTrue(f.evidence().get(0).startsWith("inet watch in (nft.txt:2): type filter hook input priority filter - 5 "
                + "(-5), policy accept, 1 rule; runs after iptables' mangle INPUT (-150), before its filter INPUT (0), "),
                f.evidence().get(0));
        assertTrue(f.evidence().get(1).endsWith("inet watch in only accepts or counts, the replay's verdicts stand"),
                f.evidence().get(1));
    }

    @Test
    void aPolicyDropChainWhoseHookNoFramePassedIsStillAWarning() throws IOException {
        Finding f = withRuleset("""
                table ip guard {
                	chain fwd {
                		type filter hook forward priority 0; policy drop;
                		ct status assured accept
                	}
                }
                """).orElseThrow();
        assertEquals(FindingSeverity.WARNING, f.severity());
        assertEquals("The node has native nftables base chains pktpath does not replay: ip guard fwd (policy drop)",
                f.title());
        assertEquals("ip guard fwd: no replayed frame passed its hook", f.evidence().get(1));
    }

    @Test
    void aNetdevIngressChainNotReplayedCountsTheFramesOnItsDeviceAndAnIpv6ChainNone() throws IOException {
        // a link-layer selector keeps the ingress chain out of the replay
        Finding f = withRuleset("""
                table netdev edge {
                	chain ingress {
                		type filter hook ingress device "eth0" priority -500; policy accept;
                		ether saddr 02:00:00:00:00:01 drop
                	}
                }
                table ip6 only6 {
                	chain in {
                		type filter hook input priority 0; policy drop;
                		meta length 1-100 drop
                	}
                }
                """).orElseThrow();
        assertEquals(FindingSeverity.WARNING, f.severity());
        assertTrue(f.evidence().contains("ingress: 8 frames (3, 5, 6, 9, 11, 13, 14, 15) of the replay arrived "
                + "(prerouting): netdev edge ingress (at priority -500) may have dropped them; the replay's verdicts "
                + "leave it out"), f.evidence().toString());
        assertTrue(f.evidence().contains("ip6 only6 in: no replayed frame passed its hook"), f.evidence().toString());
    }

    @Test
    void iptablesNftTablesAloneMakeNoFinding() throws IOException {
        assertEquals(Optional.empty(), withRuleset("""
                table ip filter {
                	chain INPUT {
                		type filter hook input priority filter; policy accept;
                		tcp dport 10250 counter packets 5 bytes 287 accept
                	}
                }
                table ip mangle {
                	chain OUTPUT {
                		type route hook output priority mangle; policy accept;
                	}
                }
                """));
    }
}
