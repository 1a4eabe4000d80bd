package io.pktpath.parser.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.target.Drop;
import io.pktpath.parser.iptables.target.Trace;
import io.pktpath.parser.net.IpFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Ingress chains of netdev and inet tables: which are replayed, their devices, and what their rules become. */
class NftIngressReplayTest {
    private static NftNativeReplay of(String text) {
        return NftNativeReplay.of(NftRulesetParser.parse("nft.txt", text).value());
    }

    @Test
    void theRecordedIngressChainsAreReplayedForBothFamiliesWithTheirDevices() throws IOException {
        String text = Files.readString(Path.of("../samples/bundles/nft-ingress/nft-ruleset.txt"));
        NftNativeReplay replay = NftNativeReplay.of(NftRulesetParser.parse("nft-ruleset.txt", text).value());
        assertEquals(List.of("netdev pkp_nd ing", "inet pkp_ig ing"),
                replay.chains().stream().map(c -> c.chain().qualifiedName()).toList());
        assertEquals(List.of(0, -10), replay.chains().stream().map(NftNativeReplay.ReplayedChain::priority).toList());
        assertEquals(List.of(Set.of("eth0", "lo"), Set.of("eth0")),
                replay.chains().stream().map(NftNativeReplay.ReplayedChain::devices).toList());
        assertTrue(replay.chains().stream().allMatch(NftNativeReplay.ReplayedChain::ingress));
        for (IpFamily f : IpFamily.values()) {
            Chain nd = replay.ruleset(f).table("netdev pkp_nd").orElseThrow().chain("ing").orElseThrow();
            // `icmp type echo-request ...` names IPv4: for IPv6 it is no rule at all
            assertEquals(f == IpFamily.V4 ? 3 : 2, nd.rules().size());
            assertTrue(nd.rules().get(0).target() instanceof Drop);
            Chain ig = replay.ruleset(f).table("inet pkp_ig").orElseThrow().chain("ing").orElseThrow();
            assertTrue(ig.rules().get(0).target() instanceof Trace, "meta nftrace set 1 is iptables' TRACE");
        }
        // `ip saddr 172.18.0.1 counter` names IPv4: for IPv6 it is no rule at all
        assertEquals(3, replay.ruleset(IpFamily.V4).table("inet pkp_ig").orElseThrow().chain("ing").orElseThrow()
                .rules().size());
        assertEquals(2, replay.ruleset(IpFamily.V6).table("inet pkp_ig").orElseThrow().chain("ing").orElseThrow()
                .rules().size());
    }

    @Test
    void metaProtocolNamesAFamilyAndArpNeverMatchesAnIpPacket() {
        NftNativeReplay replay = of("""
                table netdev edge {
                	chain ing {
                		type filter hook ingress devices = { "eth0", "eth1" } priority -500; policy drop;
                		meta protocol ip6 accept
                		meta protocol arp accept
                		meta protocol != arp tcp dport 22 accept
                	}
                }
                """);
        assertEquals(Set.of("eth0", "eth1"), replay.chains().get(0).devices());
        assertEquals("type filter hook ingress devices = { eth0, eth1 } priority -500, policy drop",
                replay.chains().get(0).chain().base().describe());
        List<Rule> v4 = replay.ruleset(IpFamily.V4).table("netdev edge").orElseThrow().chain("ing").orElseThrow().rules();
        List<Rule> v6 = replay.ruleset(IpFamily.V6).table("netdev edge").orElseThrow().chain("ing").orElseThrow().rules();
        assertEquals(List.of("meta protocol != arp tcp dport 22 accept"), v4.stream().map(Rule::text).toList());
        assertEquals(List.of("meta protocol ip6 accept", "meta protocol != arp tcp dport 22 accept"),
                v6.stream().map(Rule::text).toList());
    }

    @Test
    void conntrackFibLinkLayerSelectorsAndOtherTypesAtIngressAreNotReplayed() {
        NftNativeReplay replay = of("""
                table inet fw {
                	chain ing {
                		type filter hook ingress device "eth0" priority 0; policy accept;
                		ct state established accept
                	}
                	chain ing2 {
                		type filter hook ingress device "eth0" priority 0; policy accept;
                		fib saddr . iif oif missing drop
                	}
                	chain ing3 {
                		type filter hook ingress device "eth0" priority 0; policy accept;
                		ether saddr 02:00:00:00:00:01 drop
                	}
                }
                table ip v4 {
                	chain ing {
                		type filter hook ingress device "eth0" priority 0; policy accept;
                	}
                }
                table netdev nd {
                	chain bare {
                		type filter hook ingress priority 0; policy accept;
                	}
                	chain egress {
                		type filter hook egress device "eth0" priority 0; policy accept;
                	}
                }
                """);
        assertEquals(List.of(), replay.chains());
        assertEquals(Optional.of("rule at nft.txt:4 (`ct state established accept`) in chain ing: 'ct' at hook ingress"
                + " is not replayed (no conntrack before prerouting)"), replay.refusal("inet fw ing"));
        assertEquals(Optional.of("rule at nft.txt:8 (`fib saddr . iif oif missing drop`) in chain ing2: fib at hook"
                + " ingress is not replayed"), replay.refusal("inet fw ing2"));
        assertTrue(replay.refusal("inet fw ing3").orElseThrow().contains("'ether saddr 02:00:00:00:00:01' is not in the"
                + " replayed subset"), replay.refusal("inet fw ing3").orElseThrow());
        assertEquals(Optional.of("hook ingress without a device is not replayed: the listing does not say which"
                + " device's packets the chain sees (nft -j of nft 1.0.6 omits it; nft list ruleset prints it)"),
                replay.refusal("netdev nd bare"));
        assertEquals(Optional.of("family netdev at hook egress is not replayed (ip, ip6, inet are; netdev at hook"
                + " ingress; bridge at prerouting, forward, input)"), replay.refusal("netdev nd egress"));
        assertEquals(Optional.of("hook ingress in a table of family ip is not replayed (the kernel has it for netdev and"
                + " inet)"), replay.refusal("ip v4 ing"));
    }
}
