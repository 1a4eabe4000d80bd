package io.pktpath.parser.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.iptables.RuleRenderer;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Table;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Docker Engine 29's nftables firewall backend ({@code --firewall-backend=nftables}) as moby's nftabler writes it:
 * {@code table ip docker-bridges} with verdict maps keyed by interface name in filter-FORWARD and nat-POSTROUTING,
 * {@code fib daddr type local} jumps in nat-PREROUTING and nat-OUTPUT, the published port's DNAT and accept, the
 * masquerade and raw's DROP DIRECT ACCESS; {@code table ip6 docker-bridges} whose maps are empty. The listing is the
 * docker-nftables bundle's (json/docker-nftables.txt); its JSON twin is compared in {@link NftJsonRulesetParserTest}.
 */
class NftDockerBridgesTest {
    private static final NftRuleset RULESET = NftRulesetParser.parse("nft-ruleset.txt",
            NftJsonRulesetParserTest.read("docker-nftables.txt")).value();
    private static final String BR2 = "br-5f1c2e9a7b3d";

    /** The translated rules of one chain of {@code ip docker-bridges} as iptables-save words. */
    private static List<String> chain(NftRuleset r, IpFamily family, String chain) {
        List<String> out = new ArrayList<>();
        for (Table t : NftNativeReplay.of(r).ruleset(family).tables()) {
            for (Chain c : t.chains()) {
                if (c.name().equals(chain) && t.name().endsWith("docker-bridges")) {
                    c.rules().forEach(rule -> out.add(RuleRenderer.render(rule)));
                }
            }
        }
        return out;
    }

    @Test
    void everyBaseChainOfBothTablesIsReplayed() {
        NftNativeReplay replay = NftNativeReplay.of(RULESET);
        List<String> chains = replay.chains().stream().map(c -> c.chain().qualifiedName() + " " + c.hook()).toList();
        for (String family : List.of("ip", "ip6")) {
            for (String c : List.of("filter-FORWARD forward", "nat-OUTPUT output", "nat-POSTROUTING postrouting",
                    "nat-PREROUTING prerouting", "raw-PREROUTING prerouting")) {
                assertTrue(chains.contains(family + " docker-bridges " + c), family + " " + c + " in " + chains);
            }
        }
        for (NftTable t : RULESET.tables()) {
            for (NftChain c : t.chains()) {
                assertEquals(Optional.empty(), replay.refusal(t.qualifiedName() + " " + c.name()), c.name());
            }
        }
    }

    @Test
    void theInterfaceVerdictMapsBecomeOneJumpPerBridge() {
        assertEquals(List.of("-A filter-FORWARD -o docker0 -j filter-forward-in__docker0",
                "-A filter-FORWARD -o " + BR2 + " -j filter-forward-in__" + BR2,
                "-A filter-FORWARD -i docker0 -j filter-forward-out__docker0",
                "-A filter-FORWARD -i " + BR2 + " -j filter-forward-out__" + BR2),
                chain(RULESET, IpFamily.V4, "filter-FORWARD"));
        // iifname in POSTROUTING: the input device of a forwarded packet (ip_output hands skb->dev to the hook)
        assertEquals(List.of("-A nat-POSTROUTING -i docker0 -j nat-postrouting-out__docker0",
                "-A nat-POSTROUTING -i " + BR2 + " -j nat-postrouting-out__" + BR2,
                "-A nat-POSTROUTING -o docker0 -j nat-postrouting-in__docker0",
                "-A nat-POSTROUTING -o " + BR2 + " -j nat-postrouting-in__" + BR2),
                chain(RULESET, IpFamily.V4, "nat-POSTROUTING"));
    }

    @Test
    void thePublishedPortTheMasqueradeAndTheDirectAccessDrops() {
        assertEquals(List.of("-A nat-PREROUTING -m addrtype --dst-type LOCAL -j nat-prerouting-and-output"),
                chain(RULESET, IpFamily.V4, "nat-PREROUTING"));
        assertEquals(List.of("-A nat-OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j nat-prerouting-and-output"),
                chain(RULESET, IpFamily.V4, "nat-OUTPUT"));
        assertEquals(List.of("-A nat-prerouting-and-output -p tcp ! -i docker0 -m tcp --dport 8080 -j DNAT"
                + " --to-destination 172.17.0.2:80"), chain(RULESET, IpFamily.V4, "nat-prerouting-and-output"));
        assertEquals(List.of("-A raw-PREROUTING -d 172.17.0.2 ! -i docker0 -j DROP",
                "-A raw-PREROUTING -d 172.19.0.2 ! -i " + BR2 + " -j DROP"),
                chain(RULESET, IpFamily.V4, "raw-PREROUTING"));
        assertEquals(List.of("-A filter-forward-in__docker0 -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
                "-A filter-forward-in__docker0 -i docker0 -j ACCEPT",
                "-A filter-forward-in__docker0 -p tcp -d 172.17.0.2 -m tcp --dport 80 -j ACCEPT",
                "-A filter-forward-in__docker0 -j DROP"), chain(RULESET, IpFamily.V4, "filter-forward-in__docker0"));
        assertEquals(List.of("-A nat-postrouting-out__docker0 ! -o docker0 -s 172.17.0.0/16 -j MASQUERADE"),
                chain(RULESET, IpFamily.V4, "nat-postrouting-out__docker0"));
    }

    @Test
    void theIpv6TablesEmptyMapsMatchNothingBecauseTheListingPrintsOtherMapsElements() {
        assertEquals(List.of(), chain(RULESET, IpFamily.V6, "filter-FORWARD"));
        assertEquals(List.of(), chain(RULESET, IpFamily.V6, "nat-POSTROUTING"));
        assertEquals(List.of("-A nat-OUTPUT ! -d ::1 -m addrtype --dst-type LOCAL -j nat-prerouting-and-output"),
                chain(RULESET, IpFamily.V6, "nat-OUTPUT"));
        assertTrue(RULESET.tables().stream().allMatch(NftTable::elementsShown));
    }

    @Test
    void theIpv6TableAloneMayBeATerseListingSoItsEmptyMapsAreRefused() {
        String text = NftJsonRulesetParserTest.read("docker-nftables.txt");
        int start = text.indexOf("table ip6 docker-bridges");
        int end = text.indexOf("\ntable ", start);
        NftRuleset alone = NftRulesetParser.parse("nft-ruleset.txt",
                text.substring(start, end < 0 ? text.length() : end + 1)).value();
        assertEquals(List.of("ip6 docker-bridges"), alone.tables().stream().map(NftTable::qualifiedName).toList());
        String why = NftNativeReplay.of(alone).refusal("ip6 docker-bridges filter-FORWARD").orElseThrow();
        assertTrue(why.endsWith("the verdict map @filter-forward-in-jumps lists no elements in table ip6 docker-bridges"),
                why);
    }
}
