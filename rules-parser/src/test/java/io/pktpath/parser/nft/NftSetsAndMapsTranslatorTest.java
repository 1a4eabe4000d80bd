package io.pktpath.parser.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.parser.net.IpFamily;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Named sets, verdict maps (inline and named), several protocols in one rule and nft 1.0's {@code reject with icmpx
 * admin-prohibited}, read from a ruleset as {@code nft list ruleset} prints them and translated to iptables rules.
 */
class NftSetsAndMapsTranslatorTest {
    private static final String RULESET = """
            table inet fw {
            \tset pub_ports {
            \t\ttype inet_service
            \t\telements = { 22, 10250 }
            \t}

            \tset trusted {
            \t\ttype ipv4_addr
            \t\tflags interval
            \t\telements = { 10.0.0.0/8,
            \t\t\t     192.168.1.1 }
            \t}

            \tset ifs {
            \t\ttype ifname
            \t\telements = { "eth0", "lo" }
            \t}

            \tset empty {
            \t\ttype ipv4_addr
            \t}

            \tset pairs {
            \t\ttype ipv4_addr . inet_service
            \t\telements = { 10.0.0.1 . 22 }
            \t}

            \tmap zones {
            \t\ttype ifname : verdict
            \t\telements = { "eth0" : goto zone_public,
            \t\t\t     "lo" : accept }
            \t}

            \tchain input {
            \t\ttype filter hook input priority filter + 10; policy accept;
            \t}

            \tchain zone_public {
            \t}
            }
            """;
    private static final NftTable TABLE = NftRulesetParser.parse("nft.txt", RULESET).value().tables().get(0);

    private static final TranslatorProbe PROBE = new TranslatorProbe(TABLE, 2, 40);

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
    void theParserKeepsTheElementsOfSetsAndMapsAcrossLines() {
        assertEquals(List.of("22", "10250"), TABLE.sets().get(0).values());
        assertEquals(List.of("10.0.0.0/8", "192.168.1.1"), TABLE.sets().get(1).values());
        assertEquals(2, TABLE.sets().get(1).elements());
        assertEquals(List.of("\"eth0\"", "\"lo\""), TABLE.sets().get(2).values());
        assertEquals(List.of(), TABLE.sets().get(3).values());
        assertEquals(List.of("10.0.0.1 . 22"), TABLE.sets().get(4).values());
        assertEquals(List.of("\"eth0\" : goto zone_public", "\"lo\" : accept"), TABLE.sets().get(5).values());
        assertEquals(List.of("zone_public"), TABLE.sets().get(5).jumpTargets());
    }

    @Test
    void namedSetsBecomeTheirElements() {
        assertEquals(List.of("-A input -p tcp -m multiport --dports 22,10250 -j ACCEPT"), v4("tcp dport @pub_ports accept"));
        assertEquals(List.of("-A input -p tcp -m multiport ! --dports 22,10250 -j DROP"),
                v4("tcp dport != @pub_ports drop"));
        assertEquals(List.of("-A input -s 10.0.0.0/8 -j ACCEPT", "-A input -s 192.168.1.1 -j ACCEPT"),
                v4("ip saddr @trusted counter packets 0 bytes 0 accept"));
        assertEquals(List.of(), v("ip saddr @trusted accept", IpFamily.V6), "an ip rule never matches IPv6");
        assertEquals(List.of("-A input -i eth0 -j ACCEPT", "-A input -i lo -j ACCEPT"), v4("iifname @ifs accept"));
        assertEquals(List.of("-A input ! -s 10.0.0.0/8 ! -s 192.168.1.1 -j DROP"), v4("ip saddr != @trusted drop"),
                "a source in none of the elements");
    }

    @Test
    void namedSetsOutsideTheSubsetAreRefusedNamingWhy() {
        assertEquals("the named set @empty lists no elements", refused("ip saddr @empty drop"));
        assertEquals("the named set @pairs holds concatenations", refused("ip saddr . tcp dport @pairs accept"));
        assertEquals("the named set @nothing is not in table inet fw", refused("ip saddr @nothing accept"));
        assertEquals("a set iptables cannot list in one rule needs a verdict (accept, drop, reject, return, goto) or a "
                + "NAT statement after it", refused("iifname @ifs jump zone_public"));
    }

    @Test
    void firewalldsConntrackVerdictMapIsOneRulePerState() {
        assertEquals(List.of("-A input -m conntrack --ctstate ESTABLISHED -j ACCEPT",
                        "-A input -m conntrack --ctstate RELATED -j ACCEPT",
                        "-A input -m conntrack --ctstate INVALID -j DROP"),
                v4("ct state vmap { established : accept, related : accept, invalid : drop }"));
    }

    @Test
    void inlineAndNamedVerdictMapsOnInterfacesProtocolsAndPorts() {
        assertEquals(List.of("-A input -i lo -j ACCEPT", "-A input -i eth0 -j zone_public"),
                v4("iifname vmap { \"lo\" : accept, \"eth0\" : jump zone_public }"));
        assertEquals(List.of("-A input -i eth0 -g zone_public", "-A input -i lo -j ACCEPT"),
                v4("iifname vmap @zones"));
        assertEquals(List.of("-A input -p tcp -j zone_public", "-A input -p udp -j DROP"),
                v4("meta l4proto vmap { tcp : jump zone_public, udp : drop, sctp : continue }"));
        assertEquals(List.of("-A input -p tcp -m tcp --dport 22 -j ACCEPT",
                        "-A input -p tcp -m tcp --dport 8000:8080 -j DROP"),
                v4("counter tcp dport vmap { 22 : accept, 8000-8080 : drop }"));
        assertEquals(List.of(), v("ip saddr vmap { 10.0.0.1 : drop }", IpFamily.V6));
    }

    @Test
    void verdictMapsOutsideTheSubsetAreRefusedNamingTheElement() {
        assertEquals("the verdict map @nomap is not in table inet fw", refused("iifname vmap @nomap"));
        assertEquals("the verdict map element '22 : queue': 'queue' is not in the replayed subset",
                refused("tcp dport vmap { 22 : queue }"));
        assertEquals("the verdict map element 'syn : drop': 'tcp flags syn' is not in the replayed subset",
                refused("tcp flags vmap { syn : drop }"));
    }

    @Test
    void severalProtocolsAndNft10RejectSpelling() {
        assertEquals(List.of("-A input -p icmp -j ACCEPT", "-A input -p ipv6-icmp -j ACCEPT"),
                v4("meta l4proto { icmp, ipv6-icmp } accept"));
        assertEquals(List.of("-A input -p icmp -j ACCEPT", "-A input -p ipv6-icmp -j ACCEPT"),
                v("meta l4proto { icmp, ipv6-icmp } accept", IpFamily.V6));
        assertEquals("'tcp dport 22' is not in the replayed subset", refused("meta l4proto { tcp, udp } tcp dport 22 accept"));
        assertEquals(List.of("-A input -j REJECT --reject-with icmp-admin-prohibited"),
                v4("reject with icmpx admin-prohibited"));
        assertEquals(List.of("-A input -j REJECT --reject-with icmp6-adm-prohibited"),
                v("reject with icmpx admin-prohibited", IpFamily.V6));
        assertEquals(List.of("-A input -j REJECT --reject-with icmp-admin-prohibited"),
                v4("reject with icmpx type admin-prohibited"));
    }

    @Test
    void firewalldsDnatStatusIsConntracksDnatState() {
        // xt_conntrack's DNAT/SNAT states test IPS_DST_NAT/IPS_SRC_NAT, the bits nft's ct status dnat/snat read
        assertEquals(List.of("-A input -m conntrack --ctstate DNAT -j ACCEPT"), v4("ct status dnat accept"));
        assertEquals(List.of("-A input -m conntrack --ctstate SNAT -j ACCEPT"), v4("ct status snat accept"));
        assertEquals(List.of("-A input -m conntrack --ctstate DNAT,SNAT -j ACCEPT"),
                v4("ct status { dnat, snat } accept"));
        assertEquals(List.of("-A input -m conntrack --ctstate ESTABLISHED -m conntrack --ctstate DNAT -j ACCEPT"),
                v4("ct state established ct status dnat accept"));
    }

    @Test
    void firewalldFormsTheEngineCannotEvaluateStayRefused() {
        assertEquals("'ct status assured' is not in the replayed subset", refused("ct status assured accept"),
                "only the NAT bits map onto xt_conntrack exactly");
        assertEquals("'ct status !=' is not in the replayed subset", refused("ct status != dnat accept"),
                "without a ct nft's != is false, iptables' negation true");
        assertEquals("fib daddr . iif: only fib saddr [. mark] [. iif] oif missing|exists is replayed",
                refused("fib daddr . iif oif missing drop"),
                "firewalld's reverse-path filter (fib saddr) is replayed as rpfilter; a lookup of the destination is not");
        assertEquals("'meta l4proto !=' is not in the replayed subset",
                refused("meta l4proto != { tcp, udp } drop"));
        assertEquals("'ip saddr { 10.0.0.1, 10.0.0.2 }' is not in the replayed subset",
                refused("meta l4proto { tcp, udp } ip saddr { 10.0.0.1, 10.0.0.2 } accept"), "two sets in one rule");
    }
}
