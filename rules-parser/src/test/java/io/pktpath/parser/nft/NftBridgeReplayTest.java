package io.pktpath.parser.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.iptables.match.InterfaceMatch;
import io.pktpath.parser.iptables.match.MacMatch;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.target.Drop;
import io.pktpath.parser.net.IpFamily;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bridge tables' filter chains: which are replayed, and what their bridge matches become; the refusals name the rule. */
class NftBridgeReplayTest {
    private static NftNativeReplay of(String text) {
        return NftNativeReplay.of(NftRulesetParser.parse("nft.txt", text).value());
    }

    private static String bridge(String hook, String priority, String rule) {
        return "table bridge br {\n\tchain c {\n\t\ttype filter hook " + hook + " priority " + priority
                + "; policy accept;\n\t\t" + rule + "\n\t}\n}\n";
    }

    @Test
    void etherSaddrIsTheMacMatchAndIifnameThePortAndEtherTypeNamesTheFamily() {
        NftNativeReplay replay = of(bridge("forward", "filter", "iifname \"veth1\" ether saddr 02:00:0a:f4:07:04"
                + " ether type ip ip saddr != 10.0.0.4 counter packets 0 bytes 0 drop"));
        assertEquals(List.of("bridge br c"), replay.chains().stream().map(c -> c.chain().qualifiedName()).toList());
        assertTrue(replay.chains().get(0).bridge());
        assertEquals(-200, replay.chains().get(0).priority());
        Chain v4 = replay.ruleset(IpFamily.V4).table("bridge br").orElseThrow().chain("c").orElseThrow();
        assertEquals(1, v4.rules().size());
        assertTrue(v4.rules().get(0).target() instanceof Drop);
        assertEquals(1, v4.rules().get(0).matches(MacMatch.class).size());
        assertEquals(1, v4.rules().get(0).matches(InterfaceMatch.class).size(), v4.rules().get(0).toString());
        // `ether type ip` (and `ip saddr`) name IPv4: for IPv6 the rule is no rule at all
        assertEquals(0, replay.ruleset(IpFamily.V6).table("bridge br").orElseThrow().chain("c").orElseThrow()
                .rules().size());
    }

    @Test
    void etherTypeArpNeverMatchesAnIpFrame() {
        NftNativeReplay replay = of(bridge("prerouting", "-200", "ether type arp counter packets 3 bytes 84 drop"));
        for (IpFamily f : IpFamily.values()) {
            assertEquals(0, replay.ruleset(f).table("bridge br").orElseThrow().chain("c").orElseThrow().rules().size());
        }
    }

    @Test
    void etherDaddrIsRefusedNamingTheRuleAndWhy() {
        String why = of(bridge("forward", "filter", "ether daddr 02:00:0a:f4:07:03 drop")).refusal("bridge br c")
                .orElseThrow();
        assertTrue(why.contains("nft.txt:4") && why.contains("ether daddr 02:00:0a:f4:07:03 drop")
                && why.contains("source MAC"), why);
    }

    @Test
    void conntrackInABridgeChainIsRefused() {
        String why = of(bridge("forward", "filter", "ct state established accept")).refusal("bridge br c")
                .orElseThrow();
        assertTrue(why.contains("ct state established accept") && why.contains("nf_conntrack_bridge"), why);
    }

    @Test
    void latePreroutingAndForwardChainsAndEtherSaddrAtOutputAreRefused() {
        assertTrue(of(bridge("output", "filter", "oifname \"veth1\" icmp type echo-request drop")).refusal("bridge br c")
                .isEmpty());
        assertTrue(of(bridge("postrouting", "100", "oifname \"veth1\" udp dport 53 drop")).refusal("bridge br c")
                .isEmpty());
        String mac = of(bridge("output", "filter", "ether saddr 02:00:0a:f4:07:04 drop")).refusal("bridge br c")
                .orElseThrow();
        assertTrue(mac.contains("'ether saddr' at hook output"), mac);
        assertTrue(of(bridge("ingress", "filter", "counter")).refusal("bridge br c").orElseThrow()
                .contains("hook ingress"));
        assertTrue(of(bridge("prerouting", "0", "counter")).refusal("bridge br c").orElseThrow()
                .contains("IP PREROUTING"));
        assertTrue(of(bridge("forward", "-1", "counter")).refusal("bridge br c").orElseThrow()
                .contains("IP FORWARD"));
        assertTrue(of(bridge("input", "100", "counter")).refusal("bridge br c").isEmpty());
    }

    @Test
    void etherInAnIpTableIsRefused() {
        String why = of("table ip t {\n\tchain c {\n\t\ttype filter hook forward priority 0; policy accept;\n"
                + "\t\tether saddr 02:00:0a:f4:07:04 drop\n\t}\n}\n").refusal("ip t c").orElseThrow();
        assertTrue(why.contains("'ether saddr 02:00:0a:f4:07:04' is not in the replayed subset"), why);
    }
}
