package io.pktpath.parser.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.iptables.RuleRenderer;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Policy;
import io.pktpath.parser.iptables.model.Table;
import io.pktpath.parser.net.IpFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which native base chains are replayed: the recorded nft-native-firewall ruleset, and rulesets around the subset's edges. */
class NftNativeReplayTest {
    private static NftNativeReplay of(String text) {
        return NftNativeReplay.of(NftRulesetParser.parse("nft.txt", text).value());
    }

    @Test
    void theRecordedNativeTableIsReplayedForBothFamiliesAndIptablesNftTablesAreNot() throws IOException {
        String text = Files.readString(Path.of("../samples/bundles/nft-native-firewall/nft-ruleset.txt"));
        NftNativeReplay replay = NftNativeReplay.of(NftRulesetParser.parse("nft-ruleset.txt", text).value());
        assertEquals(List.of("inet pkp_fw input", "inet pkp_fw output"),
                replay.chains().stream().map(c -> c.chain().qualifiedName()).toList());
        assertEquals(List.of(10, 10), replay.chains().stream().map(NftNativeReplay.ReplayedChain::priority).toList());
        for (IpFamily f : IpFamily.values()) {
            Table t = replay.ruleset(f).table("inet pkp_fw").orElseThrow();
            Chain input = t.chain("input").orElseThrow();
            assertTrue(input.builtin());
            assertEquals(Optional.of(Policy.ACCEPT), input.policy());
            assertEquals("tcp dport 8081 counter packets 3 bytes 180 drop", input.rules().get(0).text());
            assertEquals(29, input.rules().get(0).span().line());
        }
        assertTrue(replay.ruleset(IpFamily.V4).table("filter").isEmpty(), "iptables-nft's own tables stay iptables'");
    }

    @Test
    void aChainWithOneRuleOutsideTheSubsetIsNotReplayedAndSaysWhichRule() {
        NftNativeReplay replay = of("""
                table inet fw {
                	chain input {
                		type filter hook input priority 0; policy drop;
                		ct state established,related accept
                		jump checks
                	}
                	chain checks {
                		tcp flags syn tcp dport 22 accept
                	}
                	chain output {
                		type filter hook output priority 0; policy accept;
                		oifname "lo" accept
                	}
                }
                """);
        assertEquals(List.of("inet fw output"), replay.chains().stream().map(c -> c.chain().qualifiedName()).toList());
        assertEquals(Optional.of("rule at nft.txt:8 (`tcp flags syn tcp dport 22 accept`) in chain checks: 'tcp flags "
                + "syn' is not in the replayed subset"), replay.refusal("inet fw input"));
        assertTrue(replay.ruleset(IpFamily.V4).table("inet fw").orElseThrow().chain("checks").isEmpty());
    }

    @Test
    void jumpedToChainsAreUserChainsAndADropPolicyIsKept() {
        NftNativeReplay replay = of("""
                table ip guard {
                	chain fwd {
                		type filter hook forward priority filter - 5; policy drop;
                		ip saddr 10.244.1.5 ct state new jump pod
                		ct state established,related accept
                	}
                	chain pod {
                		counter drop
                	}
                }
                """);
        Table t = replay.ruleset(IpFamily.V4).table("ip guard").orElseThrow();
        assertEquals(Optional.of(Policy.DROP), t.chain("fwd").orElseThrow().policy());
        assertFalse(t.chain("pod").orElseThrow().builtin());
        assertEquals(-5, replay.chains().get(0).priority());
        assertTrue(replay.ruleset(IpFamily.V6).tables().isEmpty(), "an ip table sees no IPv6");
    }

    @Test
    void otherTypesHooksFamiliesAndChainsAtConntracksOwnPriorityAreNotReplayed() {
        NftNativeReplay replay = of("""
                table ip nat4 {
                	chain pre {
                		type nat hook prerouting priority dstnat; policy accept;
                	}
                	chain fwd {
                		type nat hook forward priority 0; policy accept;
                	}
                	chain out {
                		type route hook output priority mangle; policy accept;
                	}
                	chain early {
                		type nat hook output priority -250; policy accept;
                	}
                }
                table netdev edge {
                	chain egress {
                		type filter hook egress device "eth0" priority -500; policy accept;
                	}
                }
                table inet early {
                	chain pre {
                		type filter hook prerouting priority raw; policy accept;
                	}
                	chain pre2 {
                		type filter hook prerouting priority -150; policy accept;
                	}
                	chain tie {
                		type filter hook output priority -200; policy accept;
                	}
                }
                """);
        assertEquals(List.of("ip nat4 pre", "inet early pre", "inet early pre2"),
                replay.chains().stream().map(c -> c.chain().qualifiedName()).toList());
        assertEquals(List.of(true, false, false), replay.chains().stream().map(NftNativeReplay.ReplayedChain::nat).toList());
        assertEquals(List.of(-100, -300, -150), replay.chains().stream().map(NftNativeReplay.ReplayedChain::priority)
                .toList());
        assertEquals(Optional.of("type route is not replayed (types filter and nat are)"), replay.refusal("ip nat4 out"));
        assertEquals(Optional.of("a nat chain on hook forward is not replayed (prerouting, input, output, postrouting"
                + " are)"), replay.refusal("ip nat4 fwd"));
        assertEquals(Optional.of("a nat chain at priority -250: the kernel refuses nat chains at or below conntrack's"
                + " priority (-200)"), replay.refusal("ip nat4 early"));
        assertEquals(Optional.of("family netdev at hook egress is not replayed (ip, ip6, inet are; netdev at hook"
                + " ingress; bridge at prerouting, forward, input)"), replay.refusal("netdev edge egress"));
        assertEquals(Optional.of("priority -200 is conntrack's own at output: the kernel runs hooks of equal priority in"
                + " the order they were registered, which the ruleset does not show (below -200 runs before the conntrack"
                + " lookup, above it after; both are replayed)"), replay.refusal("inet early tie"));
    }

    @Test
    void firewalldsRawPreroutingBeforeConntrackIsReplayedWithNotrackAndTheReversePathCheck() {
        NftNativeReplay replay = of("""
                table inet firewalld {
                	chain raw_PREROUTING {
                		type filter hook prerouting priority raw + 10; policy accept;
                		icmpv6 type { nd-router-advert, nd-neighbor-solicit } accept
                		meta nfproto ipv6 fib saddr . mark . iif oif missing drop
                		udp dport 53 notrack
                		jump raw_PREROUTING_ZONES
                	}
                	chain raw_PREROUTING_ZONES {
                		iifname "eth0" goto raw_PRE_public
                	}
                	chain raw_PRE_public {
                	}
                	chain raw_OUTPUT {
                		type filter hook output priority -310; policy accept;
                		udp sport 53 notrack
                	}
                }
                """);
        assertEquals(List.of("inet firewalld raw_PREROUTING", "inet firewalld raw_OUTPUT"),
                replay.chains().stream().map(c -> c.chain().qualifiedName()).toList());
        assertEquals(List.of(-290, -310), replay.chains().stream().map(NftNativeReplay.ReplayedChain::priority).toList());
        Chain pre6 = replay.ruleset(IpFamily.V6).table("inet firewalld").orElseThrow().chain("raw_PREROUTING")
                .orElseThrow();
        assertEquals(List.of(
                        "-A raw_PREROUTING -p ipv6-icmp -m icmp6 --icmpv6-type router-advertisement -j ACCEPT",
                        "-A raw_PREROUTING -p ipv6-icmp -m icmp6 --icmpv6-type neighbour-solicitation -j ACCEPT",
                        "-A raw_PREROUTING -m rpfilter --validmark --invert -j DROP",
                        "-A raw_PREROUTING -p udp -m udp --dport 53 -j CT --notrack",
                        "-A raw_PREROUTING -j raw_PREROUTING_ZONES"),
                pre6.rules().stream().map(RuleRenderer::render).toList());
        Chain pre4 = replay.ruleset(IpFamily.V4).table("inet firewalld").orElseThrow().chain("raw_PREROUTING")
                .orElseThrow();
        assertEquals(List.of("-A raw_PREROUTING -p udp -m udp --dport 53 -j CT --notrack",
                        "-A raw_PREROUTING -j raw_PREROUTING_ZONES"),
                pre4.rules().stream().map(RuleRenderer::render).toList(), "the IPv6 rules never match IPv4");
    }

    @Test
    void notrackAfterConntrackAndTheReversePathCheckOutsidePreroutingAreNotReplayed() {
        NftNativeReplay replay = of("""
                table inet fw {
                	chain pre {
                		type filter hook prerouting priority -150; policy accept;
                		jump common
                	}
                	chain common {
                		udp dport 53 notrack
                	}
                	chain in {
                		type filter hook input priority 0; policy accept;
                		fib saddr . iif oif missing drop
                	}
                	chain early {
                		type filter hook prerouting priority -300; policy accept;
                		jump common
                	}
                }
                """);
        assertEquals(List.of("inet fw early"), replay.chains().stream().map(c -> c.chain().qualifiedName()).toList());
        assertEquals(Optional.of("rule at nft.txt:7 (`udp dport 53 notrack`) in chain common: notrack at prerouting"
                + " priority -150 runs after conntrack's lookup, where it changes only a packet without a conntrack"
                + " entry; it is replayed only in chains at prerouting or output below priority -200"),
                replay.refusal("inet fw pre"));
        assertEquals(Optional.of("rule at nft.txt:11 (`fib saddr . iif oif missing drop`) in chain in: the reverse-path"
                + " check fib saddr ... oif is replayed only at prerouting (at input the kernel's fib expression does not"
                + " let loopback input pass)"), replay.refusal("inet fw in"));
    }
}
