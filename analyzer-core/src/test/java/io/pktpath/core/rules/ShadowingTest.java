package io.pktpath.core.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.parser.iptables.IptablesSaveParser;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.nft.NftNativeReplay;
import io.pktpath.parser.nft.NftRulesetParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Shadowed rules: found when an earlier rule surely covers a later one, never when it might not. */
class ShadowingTest {
    private static List<String> shadowed(String... rules) {
        String text = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n" + String.join("\n", rules)
                + "\nCOMMIT\n";
        Ruleset ruleset = IptablesSaveParser.parse("rules.txt", text, IpFamily.V4).value();
        return Shadowing.find(ruleset).stream().map(s -> s.rule().position() + " by " + s.by().position()).toList();
    }

    /** The shadowed rules of a native nft input chain (of a table with a dynamic set @seen), as translated. */
    private static List<String> shadowedNft(String... rules) {
        String text = "table inet pkp_sv {\n\tset seen {\n\t\ttype ipv4_addr\n\t\tflags dynamic\n\t}\n"
                + "\tchain other {\n\t}\n\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n\t\t"
                + String.join("\n\t\t", rules) + "\n\t}\n}\n";
        NftNativeReplay natives = NftNativeReplay.of(NftRulesetParser.parse("nft.txt", text).value());
        assertEquals(List.of("input"), natives.chains().stream().map(c -> c.name()).toList(), natives.toString());
        return Shadowing.find(natives.ruleset(IpFamily.V4)).stream()
                .map(s -> s.rule().position() + " by " + s.by().position()).toList();
    }

    @Test
    void aSetStatementBeforeAVerdictEndsTheChainAsTheVerdictDoes() {
        assertEquals(List.of("2 by 1"), shadowedNft("tcp dport 8080 add @seen { ip saddr } accept",
                "tcp dport 8080 ip saddr 10.0.0.1 drop"));
        assertEquals(List.of(), shadowedNft("tcp dport 8080 add @seen { ip saddr } jump other",
                "tcp dport 8080 ip saddr 10.0.0.1 drop"), "a jump comes back");
        assertEquals(List.of(), shadowedNft("meta mark 0x1 accept", "tcp dport 22 meta mark set 0x1 jump other",
                "meta mark 0x1 drop"), "the mark set before the jump may change it between the two");
    }

    @Test
    void subsetOfMatchesWithAVerdictShadows() {
        assertEquals(List.of("2 by 1"), shadowed("-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT",
                "-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 22 -j DROP"));
    }

    @Test
    void widerPrefixShadowsNarrowerOne() {
        assertEquals(List.of("2 by 1"), shadowed("-A INPUT -s 10.0.0.0/8 -j DROP", "-A INPUT -s 10.1.2.0/24 -j ACCEPT"));
    }

    @Test
    void narrowerPrefixDoesNotShadowWiderOne() {
        assertEquals(List.of(), shadowed("-A INPUT -s 10.1.2.0/24 -j DROP", "-A INPUT -s 10.0.0.0/8 -j ACCEPT"));
    }

    @Test
    void unconditionalVerdictShadowsEverythingAfterIt() {
        assertEquals(List.of("2 by 1", "3 by 1"), shadowed("-A INPUT -j ACCEPT", "-A INPUT -p udp -j DROP",
                "-A INPUT -i eth0 -j DROP"));
    }

    @Test
    void nonTerminatingTargetNeverShadows() {
        assertEquals(List.of(), shadowed("-A INPUT -p tcp -j LOG", "-A INPUT -p tcp -j DROP"));
    }

    @Test
    void randomMatchNeverShadows() {
        assertEquals(List.of(), shadowed("-A INPUT -m statistic --mode random --probability 0.5 -j ACCEPT",
                "-A INPUT -m statistic --mode random --probability 0.5 -j DROP"));
    }

    @Test
    void markMatchDoesNotShadowAcrossAMarkRewrite() {
        assertEquals(List.of(), shadowed("-A INPUT -m mark --mark 0x1 -j ACCEPT", "-A INPUT -j MARK --set-xmark 0x1/0xffffffff",
                "-A INPUT -m mark --mark 0x1 -j DROP"));
        assertEquals(List.of("2 by 1"), shadowed("-A INPUT -m mark --mark 0x1 -j ACCEPT", "-A INPUT -m mark --mark 0x1 -j DROP"));
    }

    @Test
    void wildcardInterfaceCoversNamedOne() {
        assertEquals(List.of("2 by 1"), shadowed("-A FORWARD -i cali+ -j ACCEPT", "-A FORWARD -i cali123 -p tcp -j DROP"));
        assertEquals(List.of(), shadowed("-A FORWARD -i cali123 -j ACCEPT", "-A FORWARD -i cali+ -j DROP"));
    }

    @Test
    void differentDestinationPortDoesNotShadow() {
        assertEquals(List.of(), shadowed("-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT", "-A INPUT -p tcp -m tcp --dport 80 -j DROP"));
    }

    @Test
    void returnEndsAUserChain() {
        String text = "*filter\n:INPUT ACCEPT [0:0]\n:MINE - [0:0]\n-A MINE -p udp -j RETURN\n-A MINE -p udp -m udp --dport 53 -j DROP\nCOMMIT\n";
        Ruleset ruleset = IptablesSaveParser.parse("rules.txt", text, IpFamily.V4).value();
        ShadowedRule s = Shadowing.find(ruleset).get(0);
        assertEquals("filter MINE #2", s.rule().label());
        assertEquals("rule #1 matches every packet this rule matches and ends the chain", s.why());
        assertEquals(5, s.rule().span().line());
    }
}
