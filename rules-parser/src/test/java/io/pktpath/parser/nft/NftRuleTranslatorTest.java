package io.pktpath.parser.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.iptables.RuleRenderer;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Native rules of the replayed subset, as {@code nft list ruleset} prints them, translated to iptables rules (rendered
 * as iptables-save would print them) for IPv4 and IPv6; rules outside the subset are refused with the word that is.
 */
class NftRuleTranslatorTest {
    private static final NftTable TABLE = new NftTable(NftFamily.INET, "pkp_fw", 1, List.of(
            new NftChain("input", 2, Optional.empty(), List.of()),
            new NftChain("sub", 9, Optional.empty(), List.of())), List.of());

    private static final TranslatorProbe PROBE = new TranslatorProbe(TABLE, 3, 7);

    private static NftRuleTranslator.Outcome outcome(String text, IpFamily family) {
        return PROBE.outcome(text, family);
    }

    /** The translated rules, rendered. */
    private static List<String> v(String text, IpFamily family) {
        return PROBE.rules(text, family);
    }

    private static List<String> v4(String text) {
        return v(text, IpFamily.V4);
    }

    private static String refused(String text) {
        return PROBE.refusal(text);
    }

    @Test
    void theRecordedDropRuleKeepsItsTextLineTableAndPosition() {
        NftRuleTranslator.Translated t = assertInstanceOf(NftRuleTranslator.Translated.class,
                outcome("tcp dport 8081 counter packets 3 bytes 180 drop", IpFamily.V4));
        Rule r = t.rules().get(0);
        assertEquals("-A input -p tcp -m tcp --dport 8081 -j DROP", RuleRenderer.render(r));
        assertEquals("inet pkp_fw", r.table());
        assertEquals(3, r.position());
        assertEquals("nft.txt", r.span().file());
        assertEquals(7, r.span().line());
        assertEquals("tcp dport 8081 counter packets 3 bytes 180 drop", r.text());
        assertEquals(List.of("-A input -p tcp -m tcp --dport 8081 -j DROP"), v("tcp dport 8081 drop", IpFamily.V6));
    }

    @Test
    void addressesPrefixesSetsAndNegation() {
        assertEquals(List.of("-A input -s 10.0.0.1 -j ACCEPT"), v4("ip saddr 10.0.0.1 accept"));
        assertEquals(List.of("-A input ! -d 10.1.0.0/16 -j DROP"), v4("ip daddr != 10.1.0.0/16 drop"));
        assertEquals(List.of("-A input -s 10.0.0.1 -j DROP", "-A input -s 192.168.0.0/24 -j DROP"),
                v4("ip saddr { 10.0.0.1, 192.168.0.0/24 } counter drop"));
        assertEquals(List.of(), v("ip saddr 10.0.0.1 drop", IpFamily.V6), "an ip rule never matches IPv6");
        assertEquals(List.of("-A input -s fd00::/64 -j DROP"), v("ip6 saddr fd00::/64 drop", IpFamily.V6));
        assertEquals(List.of(), v4("ip6 saddr fd00::/64 drop"));
    }

    @Test
    void aNegatedSetOfAddressesOrInterfacesRequiresEveryElementNotToMatch() {
        // kube-proxy's loadBalancerSourceRanges: `ip saddr != { ranges } drop` drops a source in none of them
        assertEquals(List.of("-A input ! -s 172.18.0.10 ! -s 203.0.113.0/25 -j DROP"),
                v4("ip saddr != { 172.18.0.10, 203.0.113.0/25 } drop"));
        assertEquals(List.of("-A input -p tcp ! -d 10.0.0.1 ! -d 10.0.0.2 -m tcp --dport 80 -j ACCEPT"),
                v4("ip daddr != { 10.0.0.1, 10.0.0.2 } tcp dport 80 accept"));
        assertEquals(List.of("-A input ! -i eth0 ! -i eth1 -j DROP"), v4("iifname != { \"eth0\", \"eth1\" } drop"));
        assertEquals(List.of(), v("ip saddr != { 10.0.0.1, 10.0.0.2 } drop", IpFamily.V6), "an ip rule never matches IPv6");
        assertTrue(refused("meta l4proto != { tcp, udp } drop").contains("is not in the replayed subset"));
    }

    @Test
    void portsRangesAndSets() {
        assertEquals(List.of("-A input -p udp -m udp --sport 1000:2000 -j ACCEPT"), v4("udp sport 1000-2000 accept"));
        assertEquals(List.of("-A input -p tcp -m multiport --dports 22,80,8000:8080 -j ACCEPT"),
                v4("tcp dport { 22, 80, 8000-8080 } accept"));
        assertEquals(List.of("-A input -p tcp -m tcp ! --dport 22 -j DROP"), v4("tcp dport != 22 drop"));
    }

    @Test
    void protocolsFamiliesAndInterfaces() {
        assertEquals(List.of("-A input -p udp -j ACCEPT"), v4("meta l4proto udp accept"));
        assertEquals(List.of("-A input -p icmp -j ACCEPT"), v4("ip protocol icmp accept"));
        assertEquals(List.of(), v("ip protocol icmp accept", IpFamily.V6));
        assertEquals(List.of("-A input -j ACCEPT"), v4("meta nfproto ipv4 accept"));
        assertEquals(List.of(), v4("meta nfproto ipv6 accept"));
        assertEquals(List.of("-A input -i eth+ -j DROP"), v4("iifname \"eth*\" drop"));
        assertEquals(List.of("-A input -o lo -j ACCEPT"), v4("oif \"lo\" accept"));
        assertEquals(List.of("-A input -i veth1 -j DROP", "-A input -i veth2 -j DROP"),
                v4("iifname { \"veth1\", \"veth2\" } drop"));
    }

    /**
     * The conntrack original-tuple and socket-owner tests as nft 1.0.6 lists iptables-nft's {@code -m conntrack
     * --ctorigdst 172.18.0.1 --ctorigdstport 80} and {@code -m owner ! --uid-owner 1337} (redirect-proxy's rules, loaded
     * with iptables-restore in a namespace and listed).
     */
    @Test
    void originalTupleAndSocketOwnerAreConntrackAndOwnerMatches() {
        assertEquals(List.of("-A input -p tcp -m tcp --dport 15001 -m conntrack --ctstate NEW -m conntrack --ctorigdst "
                + "172.18.0.1 -m conntrack --ctorigdstport 80 -j ACCEPT"), v4("tcp dport 15001 ct state new ct original "
                + "daddr 172.18.0.1 ct original proto-dst 80 counter packets 0 bytes 0 accept"));
        assertEquals(List.of("-A input -m conntrack ! --ctorigsrc 10.0.0.0/8 -m conntrack --ctorigsrcport 1000:2000 -j DROP"),
                v4("ct original ip saddr != 10.0.0.0/8 ct original proto-src 1000-2000 drop"));
        assertEquals(List.of("-A input -p tcp -d 172.18.0.1 -m tcp --dport 8080 -m owner ! --uid-owner 1337 -j DROP"),
                v4("ip daddr 172.18.0.1 tcp dport 8080 skuid != 1337  counter packets 0 bytes 0 drop"));
        assertEquals(List.of("-A input -m owner --gid-owner 7 -j ACCEPT"), v4("meta skgid 7 accept"));
        assertTrue(refused("skuid root accept").contains("skuid"), refused("skuid root accept"));
        assertTrue(refused("ct original daddr { 1.2.3.4, 5.6.7.8 } accept").contains("ct original"));
    }

    @Test
    void conntrackStatesMarksAndIcmpTypes() {
        assertEquals(List.of("-A input -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT"),
                v4("ct state established,related accept"));
        assertEquals(List.of("-A input -m conntrack --ctstate NEW,INVALID,UNTRACKED -j DROP"),
                v4("ct state { new, invalid, untracked } drop"));
        assertEquals(List.of("-A input -m conntrack ! --ctstate ESTABLISHED -j DROP"), v4("ct state != established drop"));
        assertEquals(List.of("-A input -m mark --mark 0x00000001 -j ACCEPT"), v4("meta mark 0x00000001 accept"));
        assertEquals(List.of("-A input -p icmp -m icmp --icmp-type echo-request -j ACCEPT"), v4("icmp type echo-request accept"));
        assertEquals(List.of("-A input -p ipv6-icmp -m icmp6 --icmpv6-type neighbour-solicitation -j ACCEPT"),
                v("icmpv6 type nd-neighbor-solicit accept", IpFamily.V6));
        assertEquals(List.of(), v4("icmpv6 type echo-request accept"));
    }

    @Test
    void statementsAndVerdicts() {
        assertEquals(List.of("-A input"), v4("counter packets 5 bytes 305"));
        assertEquals(List.of("-A input -p tcp -m tcp --dport 22 -j ACCEPT"),
                v4("tcp dport 22 log prefix \"ssh: \" level info counter accept comment \"ssh\""));
        assertEquals(List.of("-A input -j REJECT"), v4("reject"));
        assertEquals(List.of("-A input -p tcp -j REJECT --reject-with tcp-reset"), v4("meta l4proto tcp reject with tcp reset"));
        assertEquals(List.of("-A input -j REJECT --reject-with icmp-admin-prohibited"),
                v4("reject with icmpx type admin-prohibited"));
        assertEquals(List.of("-A input -j REJECT --reject-with icmp6-adm-prohibited"),
                v("reject with icmpx type admin-prohibited", IpFamily.V6));
        assertEquals(List.of("-A input -j REJECT --reject-with icmp-host-unreachable"),
                v4("reject with icmp type host-unreachable"));
        assertEquals(List.of("-A input -j REJECT --reject-with icmp-proto-unreachable"),
                v4("reject with icmp type prot-unreachable"));
        assertEquals(List.of("-A input -j REJECT --reject-with icmp6-adm-prohibited"),
                v("reject with icmpv6 type admin-prohibited", IpFamily.V6));
        assertEquals(List.of(), v("reject with icmp type host-unreachable", IpFamily.V6), "an ICMPv4 reject is IPv4's");
        assertEquals(List.of("-A input -j sub"), v4("jump sub"));
        assertEquals(List.of("-A input -g sub"), v4("goto sub"));
        assertEquals(List.of("-A input -p udp -j RETURN"), v4("meta l4proto udp return"));
    }

    @Test
    void anythingElseIsRefusedNamingIt() {
        assertEquals("'tcp flags syn' is not in the replayed subset", refused("tcp flags syn drop"));
        assertEquals("the named set @blocked is not in table inet pkp_fw", refused("ip saddr @blocked drop"));
        assertTrue(refused("meta length 100-200 drop").startsWith("'meta length 100-200'"));
        assertEquals("'dnat to ip' is not an address[:port] (maps are not replayed)",
                refused("dnat to ip saddr map { 10.0.0.1 : 10.0.0.2 }"));
        assertTrue(refused("jump nowhere").startsWith("'jump nowhere'"));
        assertTrue(refused("accept drop").startsWith("'drop'"));
        assertEquals("a set iptables cannot list in one rule needs a verdict (accept, drop, reject, return,"
                + " goto) or a NAT statement after it", refused("ip saddr { 10.0.0.1, 10.0.0.2 } jump sub"));
        assertTrue(refused("tcp dport").contains("lacks its value") || refused("tcp dport").contains("not in"));
    }

    @Test
    void theReversePathCheckIsRpfilterAndMissingItsInversion() {
        assertEquals(List.of("-A input -m rpfilter --invert -j DROP"),
                v("meta nfproto ipv6 fib saddr . iif oif missing drop", IpFamily.V6));
        assertEquals(List.of(), v4("meta nfproto ipv6 fib saddr . iif oif missing drop"), "firewalld's check is IPv6's");
        assertEquals(List.of("-A input -m rpfilter --validmark --invert -j DROP"),
                v4("fib saddr . mark . iif oif missing counter packets 2 bytes 208 drop"));
        assertEquals(List.of("-A input -m rpfilter --validmark --invert -j DROP"),
                v4("fib saddr . iif . mark oif 0 drop"), "the older listing's 0, flags in any order");
        assertEquals(List.of("-A input -m rpfilter -j ACCEPT"), v4("fib saddr . iif oif exists accept"));
        assertEquals(List.of("-A input -m rpfilter -j ACCEPT"), v4("fib saddr . iif oif != 0 accept"));
        assertEquals(List.of("-A input -m rpfilter --loose --invert -j DROP"), v4("fib saddr oif missing drop"),
                "without iif: any route back");
        assertEquals(List.of("-A input -m addrtype --dst-type LOCAL -j ACCEPT"), v4("fib daddr type local accept"));
        assertEquals("fib daddr . iif: only fib saddr [. mark] [. iif] oif missing|exists is replayed",
                refused("fib daddr . iif oif missing drop"));
        assertEquals("fib ... oif \"eth0\": only oif missing or exists (0, != 0) is replayed",
                refused("fib saddr . iif oif \"eth0\" drop"));
        assertEquals("fib saddr . iif: only fib saddr [. mark] [. iif] oif missing|exists is replayed",
                refused("fib saddr . iif oifname \"eth0\" drop"));
    }

    @Test
    void notrackIsCtNotrackAndDoesNotEndTheRule() {
        assertEquals(List.of("-A input -p udp -m udp --dport 5300 -j CT --notrack"),
                v4("udp dport 5300 counter packets 1 bytes 47 notrack"));
        assertEquals(List.of("-A input -p udp -m udp --dport 5300 -j CT --notrack"),
                v("udp dport 5300 notrack", IpFamily.V6));
        assertEquals("'accept' after notrack: only a set statement (add, update, delete @set), meta mark set or ct mark"
                + " set is replayed before a verdict", refused("udp dport 5300 notrack accept"));
    }

    @Test
    void theFragmentOffsetTestIsIptablesFragmentMatchForIpv4Only() {
        // nft prints `ip frag-off & 0x1fff != 0` back as `& 8191`: the non-first fragments, iptables' -f
        assertEquals(List.of("-A input -f -j DROP"), v4("ip frag-off & 8191 != 0 drop"));
        assertEquals(List.of("-A input -f -j ACCEPT"), v4("ip frag-off & 0x1fff != 0 counter packets 4 bytes 3136 accept"));
        assertEquals(List.of("-A input -p udp ! -f -m udp --dport 53 -j ACCEPT"),
                v4("ip frag-off & 8191 == 0 udp dport 53 accept"));
        assertEquals(List.of(), v("ip frag-off & 8191 != 0 drop", IpFamily.V6));
        assertTrue(refused("ip frag-off & 16383 != 0 drop").contains("frag-off"), refused("ip frag-off & 16383 != 0 drop"));
        assertTrue(refused("ip frag-off 0 drop").contains("frag-off"), refused("ip frag-off 0 drop"));
    }
}
