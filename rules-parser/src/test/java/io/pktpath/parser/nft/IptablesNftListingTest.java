package io.pktpath.parser.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.iptables.IptablesSaveParser;
import io.pktpath.parser.iptables.match.OptionValue;
import io.pktpath.parser.iptables.match.StatisticMatch;
import io.pktpath.parser.iptables.model.Negatable;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * iptables-nft's own tables as {@code nft list ruleset} (nft 1.0.6, iptables 1.8.9 nf_tables) prints them, replayed
 * from the listing when the bundle has no iptables-save for their family: the statistic match as iptables-nft stores
 * it, which chains are replayed, and the refusal of a rule nft could only print as {@code xt match}.
 */
class IptablesNftListingTest {
    private static final NftTable TABLE = new NftTable(NftFamily.IP, "nat", 1, List.of(
            new NftChain("KUBE-SVC-A", 2, Optional.empty(), List.of()),
            new NftChain("KUBE-SEP-1", 5, Optional.empty(), List.of())), List.of());
    private static final TranslatorProbe PROBE = new TranslatorProbe(TABLE, 3, 7);

    /**
     * What the kernel stored for each {@code --probability} given to iptables-restore (nf_tables) in a pkp-ntl
     * namespace, as {@code nft list ruleset} then printed it ({@code meta random & 2147483647 < N}) and as
     * iptables-save printed it back.
     */
    private static final List<List<String>> RECORDED = List.of(
            List.of("0.1", "214748365", "0.10000000009"),
            List.of("0.25", "536870912", "0.25000000000"),
            List.of("0.33333333349", "715827883", "0.33333333349"),
            List.of("0.5", "1073741824", "0.50000000000"),
            List.of("0.7", "1503238554", "0.70000000019"),
            List.of("0.05000000000", "107374182", "0.04999999981"));

    private static StatisticMatch fromSave(String probability, boolean negated) {
        Rule r = IptablesSaveParser.parse("iptables-save.txt", "*nat\n:KUBE-SVC-A - [0:0]\n:KUBE-SEP-1 - [0:0]\n"
                + "-A KUBE-SVC-A -m statistic --mode random " + (negated ? "! " : "") + "--probability " + probability
                + " -j KUBE-SEP-1\nCOMMIT\n").value().table("nat").flatMap(n -> n.chain("KUBE-SVC-A"))
                .flatMap(c -> c.rule(1)).orElseThrow();
        return r.matches(StatisticMatch.class).get(0);
    }

    private static StatisticMatch fromListing(String text) {
        NftRuleTranslator.Outcome o = PROBE.outcome(text, IpFamily.V4);
        NftRuleTranslator.Translated t = assertInstanceOf(NftRuleTranslator.Translated.class, o, () -> o.toString());
        assertEquals(1, t.rules().size());
        return t.rules().get(0).matches(StatisticMatch.class).get(0);
    }

    @Test
    void metaRandomIsTheStatisticMatchIptablesSaveGives() {
        for (List<String> r : RECORDED) {
            String n = r.get(1);
            StatisticMatch listed = fromListing("meta random & 2147483647 < " + n
                    + " counter packets 0 bytes 0 jump KUBE-SEP-1");
            Negatable<OptionValue.Probability> p = listed.probability().orElseThrow();
            assertEquals(Long.parseLong(n), p.value().numerator(), "N / 2^31 is the kernel's probability");
            assertEquals(fromSave(r.get(2), false).probability(), listed.probability(),
                    "the same draw as iptables-save's --probability " + r.get(2));
            assertEquals(fromSave(r.get(0), false).probability(), listed.probability(),
                    "the same draw as the --probability " + r.get(0) + " given to iptables");
        }
        StatisticMatch negated = fromListing("meta random & 2147483647 >= 536870912 counter packets 0 bytes 0 accept");
        assertEquals(fromSave("0.25000000000", true).probability(), negated.probability(), "! --probability is >=");
        assertTrue(negated.probability().orElseThrow().negated());
        assertTrue(PROBE.refusal("meta random & 255 < 3 accept").contains("not in the replayed subset"));
        assertTrue(PROBE.refusal("meta random & 2147483647 < 2147483649 accept").contains("not in the replayed subset"));
    }

    @Test
    void setXmarkIsTheMarkIptablesSaveGives() {
        // iptables-restore of -j MARK --set-xmark 0x1/0xff, as nft list ruleset printed it
        assertEquals(List.of("-A input -p tcp -m tcp --dport 80 -j MARK --set-xmark 0x1/0xff"),
                PROBE.rules("meta l4proto tcp tcp dport 80 counter packets 0 bytes 0 meta mark set mark and 0xffffff00"
                        + " xor 0x1", IpFamily.V4));
        assertEquals(List.of("-A input -j MARK --or-mark 0x4000"),
                PROBE.rules("counter packets 0 bytes 0 meta mark set mark or 0x4000", IpFamily.V4));
        assertEquals(List.of("-A input -j MARK --set-xmark 0x10/0xffffffff"),
                PROBE.rules("meta mark set 0x10", IpFamily.V4));
    }

    private static final String LISTING = """
            table ip mangle {
            	chain OUTPUT {
            		type route hook output priority mangle; policy accept;
            	}
            }
            # Warning: table ip filter is managed by iptables-nft, do not touch!
            table ip filter {
            	chain INPUT {
            		type filter hook input priority filter; policy accept;
            		ct state invalid counter packets 0 bytes 0 drop
            		counter packets 0 bytes 0 jump KUBE-FIREWALL
            	}

            	chain FORWARD {
            		type filter hook forward priority filter; policy accept;
            		xt match "physdev" counter packets 0 bytes 0 accept
            	}

            	chain KUBE-FIREWALL {
            		meta mark & 0x00008000 == 0x00008000 counter packets 0 bytes 0 drop
            	}
            }
            table ip6 filter {
            	chain INPUT {
            		type filter hook input priority filter; policy accept;
            		meta l4proto ipv6-icmp counter packets 0 bytes 0 accept
            	}
            }
            table inet pkp_fw {
            	chain input {
            		type filter hook input priority 10; policy accept;
            		tcp dport 22 accept
            	}
            }
            """;

    @Test
    void withoutIptablesSaveTheFamilysIptablesNftChainsAreReplayedFromTheListing() {
        NftRuleset ruleset = NftRulesetParser.parse("nft-ruleset.txt", LISTING).value();
        NftNativeReplay withSave = NftNativeReplay.of(ruleset);
        assertEquals(List.of("inet pkp_fw input"), withSave.chains().stream().map(c -> c.chain().qualifiedName())
                .toList(), "with iptables-save, iptables-nft's chains are its, not the listing's");
        assertEquals(Set.of(), withSave.iptablesFromListing());

        NftNativeReplay v4 = NftNativeReplay.of(ruleset, Set.of(IpFamily.V4));
        assertEquals(List.of("ip filter INPUT", "inet pkp_fw input"), v4.chains().stream()
                .map(c -> c.chain().qualifiedName()).toList(), "IPv4's tables only; the empty route chain left out");
        assertEquals(List.of("ip filter INPUT", "ip filter FORWARD", "inet pkp_fw input"), v4.considered().stream()
                .map(NftHookedChain::qualifiedName).toList());
        String why = v4.refusal("ip filter FORWARD").orElseThrow();
        assertTrue(why.contains("xt match \"physdev\"' is iptables' match physdev, which nft could not print in its"
                + " own syntax") && why.contains("nft-ruleset.txt:16"), why);
        // nft 1.0.6 prints the name bare
        assertTrue(PROBE.refusal("meta l4proto tcp xt match recent counter packets 0 bytes 0 jump KUBE-SEP-1")
                .startsWith("'xt match recent' is iptables' match recent"));
        assertTrue(PROBE.refusal("tcp dport 9000 counter packets 0 bytes 0 xt target TPROXY")
                .startsWith("'xt target TPROXY' is iptables' target TPROXY"));
        List<String> rules = v4.ruleset(IpFamily.V4).table("ip filter").orElseThrow().chains().stream()
                .flatMap(c -> c.rules().stream()).map(io.pktpath.parser.iptables.RuleRenderer::render).toList();
        assertEquals(List.of("-A INPUT -m conntrack --ctstate INVALID -j DROP", "-A INPUT -j KUBE-FIREWALL",
                "-A KUBE-FIREWALL -m mark --mark 0x00008000/0x00008000 -j DROP"), rules);

        assertTrue(NftNativeReplay.lossyPrint("ip saddr != 127.0.0.0/8 ip daddr 127.0.0.0/8  ct status dnat counter"
                + " packets 0 bytes 0 drop").isPresent(), "kube-proxy's KUBE-FIREWALL rule as nft 1.0.6 prints it");
        assertTrue(NftNativeReplay.lossyPrint("ct state related,established counter packets 0 bytes 0 accept")
                .isEmpty());

        NftNativeReplay both = NftNativeReplay.of(ruleset, Set.of(IpFamily.V4, IpFamily.V6));
        assertTrue(both.replays(ruleset.baseChains().stream().filter(h -> h.qualifiedName().equals("ip6 filter INPUT"))
                .findFirst().orElseThrow()));
    }
}
