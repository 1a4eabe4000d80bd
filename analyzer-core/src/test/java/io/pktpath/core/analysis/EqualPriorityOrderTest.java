package io.pktpath.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.parser.nft.NftNativeReplay;
import io.pktpath.parser.nft.NftRulesetParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The assumption naming the order of native chains that share a hook and a priority: the one listed later first, as
 * the kernel ran flannel's postrtg before kube-proxy's nat-postrouting (bundles/flannel-nft), per family.
 */
class EqualPriorityOrderTest {
    private static List<String> order(String listing) {
        return Analyzer.equalPriorityOrder("nft.txt",
                NftNativeReplay.of(NftRulesetParser.parse("nft.txt", listing).value()).chains());
    }

    @Test
    void twoNatChainsAtSrcnatAndTwoFilterChainsAtForwardRunTheLaterListedFirst() {
        assertEquals(List.of(
                "the native filter chains at forward priority 0 (IPv4) run in the reverse of their order in nft.txt (the"
                        + " later created, so registered, first): ip b fwd, then ip a fwd",
                "the native nat chains at postrouting priority 100 (IPv4) run in the reverse of their order in nft.txt"
                        + " (the later created, so registered, first): ip b post, then ip a post"), order("""
                table ip a {
                	chain fwd {
                		type filter hook forward priority filter; policy accept;
                		ip saddr 10.0.0.0/8 accept
                	}
                	chain post {
                		type nat hook postrouting priority srcnat; policy accept;
                		masquerade
                	}
                	chain pre {
                		type nat hook prerouting priority dstnat; policy accept;
                	}
                }
                table ip b {
                	chain fwd {
                		type filter hook forward priority filter; policy accept;
                		ip daddr 10.0.0.0/8 accept
                	}
                	chain post {
                		type nat hook postrouting priority srcnat; policy accept;
                		meta mark 0x00004000 return
                	}
                	chain pre {
                		type nat hook prerouting priority dstnat - 10; policy accept;
                	}
                }
                """));
    }

    @Test
    void anInetChainMeetsBothFamiliesAndAnIp6ChainOnlyIpv6() {
        assertEquals(List.of(
                "the native filter chains at input priority 0 (IPv4) run in the reverse of their order in nft.txt (the"
                        + " later created, so registered, first): inet c in, then ip a in",
                "the native filter chains at input priority 0 (IPv6) run in the reverse of their order in nft.txt (the"
                        + " later created, so registered, first): inet c in, then ip6 b in"), order("""
                table ip a {
                	chain in {
                		type filter hook input priority 0; policy accept;
                	}
                }
                table ip6 b {
                	chain in {
                		type filter hook input priority 0; policy accept;
                	}
                }
                table inet c {
                	chain in {
                		type filter hook input priority 0; policy accept;
                	}
                }
                """));
    }

    @Test
    void oneChainPerPriorityNeedsNoSentence() {
        assertEquals(List.of(), order("""
                table ip a {
                	chain post {
                		type nat hook postrouting priority srcnat; policy accept;
                	}
                	chain fwd {
                		type filter hook forward priority 0; policy accept;
                	}
                }
                table ip6 b {
                	chain post {
                		type nat hook postrouting priority srcnat; policy accept;
                	}
                }
                """));
    }
}
