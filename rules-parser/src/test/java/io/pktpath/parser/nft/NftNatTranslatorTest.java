package io.pktpath.parser.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.pktpath.parser.iptables.IptablesSaveParser;
import io.pktpath.parser.iptables.match.NumgenMatch;
import io.pktpath.parser.iptables.match.StatisticMatch;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.net.IpFamily;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * NAT statements, marks that are set and tested under a mask, concatenated verdict map keys, {@code numgen random},
 * {@code th dport} and {@code fib daddr type}: kube-proxy's nftables mode as {@code nft list ruleset} prints it
 * (samples/bundles/nft-kube-proxy/nft-ruleset.txt), translated to iptables rules, and the forms still refused.
 */
class NftNatTranslatorTest {
    private static final String RULESET = """
            table ip kube-proxy {
            \tset cluster-ips {
            \t\ttype ipv4_addr
            \t\telements = { 10.96.0.10, 10.96.0.20 }
            \t}

            \tset nodeport-ips {
            \t\ttype ipv4_addr
            \t\telements = { 172.18.0.2 }
            \t}

            \tset affinity-x {
            \t\ttype ipv4_addr
            \t\tsize 65535
            \t\tflags dynamic,timeout
            \t\ttimeout 3h
            \t\telements = { 10.244.1.2 timeout 3h expires 2h59m58s }
            \t}

            \tmap firewall-ips {
            \t\ttype ipv4_addr . inet_proto . inet_service : verdict
            \t}

            \tmap no-endpoint-services {
            \t\ttype ipv4_addr . inet_proto . inet_service : verdict
            \t\telements = { 10.96.0.30 . tcp . 80 comment "default/gone:http" : goto reject-chain }
            \t}

            \tmap service-ips {
            \t\ttype ipv4_addr . inet_proto . inet_service : verdict
            \t\telements = { 10.96.0.20 . udp . 53 : goto service-dns,
            \t\t\t     10.96.0.10 . tcp . 80 : goto service-web }
            \t}

            \tmap service-nodeports {
            \t\ttype inet_proto . inet_service : verdict
            \t\telements = { tcp . 30080 : goto external-web }
            \t}

            \tchain input {
            \t\ttype nat hook prerouting priority dstnat; policy accept;
            \t}

            \tchain reject-chain {
            \t}

            \tchain service-web {
            \t}

            \tchain service-dns {
            \t}

            \tchain external-web {
            \t}

            \tchain ep1 {
            \t}

            \tchain ep2 {
            \t}

            \tchain ep3 {
            \t}
            }
            """;
    private static final NftTable TABLE = NftRulesetParser.parse("nft.txt", RULESET).value().tables().get(0);
    private static final TranslatorProbe PROBE = new TranslatorProbe(TABLE, 3, 60);

    private static List<String> v4(String text) {
        return PROBE.rules(text, IpFamily.V4);
    }

    private static String refused(String text) {
        return PROBE.refusal(text);
    }

    @Test
    void natStatementsBecomeIptablesNatTargets() {
        assertEquals(List.of("-A input -p tcp -j DNAT --to-destination 10.244.1.3:8080"),
                v4("meta l4proto tcp dnat to 10.244.1.3:8080"));
        assertEquals(List.of("-A input -p udp -j DNAT --to-destination 10.244.1.3:5353"),
                v4("meta l4proto udp dnat ip to 10.244.1.3:5353"), "inet tables name the family");
        assertEquals(List.of(), PROBE.rules("dnat ip to 10.0.0.1", IpFamily.V6), "dnat ip never applies to IPv6");
        assertEquals(List.of("-A input -d 10.0.0.0/8 -j DNAT --to-destination 10.0.0.1-10.0.0.3 --persistent"),
                v4("ip daddr 10.0.0.0/8 dnat to 10.0.0.1-10.0.0.3 persistent"));
        assertEquals(List.of("-A input -s 10.244.0.0/16 -j SNAT --to-source 172.18.0.2 --random-fully"),
                v4("ip saddr 10.244.0.0/16 snat to 172.18.0.2 fully-random"));
        assertEquals(List.of("-A input -j MASQUERADE --random-fully"), v4("masquerade fully-random"));
        assertEquals(List.of("-A input -j MASQUERADE --random"), v4("masquerade random,persistent"),
                "persistent picks among several addresses; masquerade has one");
        assertEquals(List.of("-A input -p tcp -j MASQUERADE --to-ports 1024-2048"),
                v4("meta l4proto tcp masquerade to :1024-2048"));
        assertEquals(List.of("-A input -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 8080"),
                v4("tcp dport 80 redirect to :8080"));
        assertEquals(List.of("-A input -d 10.96.0.10 -j DNAT --to-destination 10.0.0.2",
                        "-A input -d 10.96.0.20 -j DNAT --to-destination 10.0.0.2"),
                v4("ip daddr @cluster-ips counter dnat to 10.0.0.2"), "a set before a NAT statement: one rule each");
    }

    @Test
    void kubeProxysMarksAreSetAndTestedUnderTheirMask() {
        assertEquals(List.of("-A input -j MARK --or-mark 0x4000"), v4("meta mark set meta mark | 0x00004000"));
        assertEquals(List.of("-A input -j MARK --xor-mark 0x4000"), v4("meta mark set meta mark ^ 0x00004000"));
        assertEquals(List.of("-A input -j MARK --or-mark 0x4000"), v4("mark set mark or 0x4000"), "as kube-proxy writes it");
        assertEquals(List.of("-A input -j MARK --set-xmark 0x10/0xffffffff"), v4("meta mark set 0x10"));
        assertEquals(List.of("-A input -m mark --mark 0x00000000/0x00004000 -j RETURN"),
                v4("meta mark & 0x00004000 == 0x00000000 return"));
        assertEquals(List.of("-A input -m mark ! --mark 0/0x4000 -j ACCEPT"), v4("mark and 0x4000 != 0 accept"));
    }

    @Test
    void concatenatedVerdictMapsBecomeOneRulePerElement() {
        assertEquals(List.of("-A input -p udp -d 10.96.0.20 -m udp --dport 53 -g service-dns",
                        "-A input -p tcp -d 10.96.0.10 -m tcp --dport 80 -g service-web"),
                v4("ip daddr . meta l4proto . th dport vmap @service-ips"));
        assertEquals(List.of("-A input -p tcp -d 10.96.0.30 -m tcp --dport 80 -g reject-chain"),
                v4("ip daddr . meta l4proto . th dport vmap @no-endpoint-services"), "the element's comment is no key");
        assertEquals(List.of("-A input -p tcp -d 172.18.0.2 -m tcp --dport 30080 -g external-web"),
                v4("ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports"));
        assertEquals(List.of(), v4("ip daddr . meta l4proto . th dport vmap @firewall-ips"),
                "an empty map (the listing prints other sets' elements) matches nothing");
    }

    @Test
    void numgenRandomIsACascadeOfRandomDrawsWithEqualShares() {
        assertEquals(List.of("-A input -m statistic --mode random --probability 0.50000000000 -g ep1",
                        "-A input -g ep2"),
                v4("numgen random mod 2 vmap { 0 : goto ep1, 1 : goto ep2 }"));
        assertEquals(List.of("-A input -m statistic --mode random --probability 0.33333333333 -g ep1",
                        "-A input -m statistic --mode random --probability 0.50000000000 -g ep2", "-A input -g ep3"),
                v4("numgen random mod 3 vmap { 0 : goto ep1, 1 : goto ep2, 2 : goto ep3 }"));
        assertEquals(List.of("-A input -m statistic --mode random --probability 0.25000000000 -g ep1",
                        "-A input -m statistic --mode random --probability 0.33333333333 -g ep2"),
                v4("numgen random mod 4 vmap { 0 : goto ep1, 2 : goto ep2 }"),
                "values no key lists go on to the next rule: ep1 1/4, ep2 1/4");
        assertEquals(List.of("-A input -m statistic --mode random --probability 0.66666666667 -g ep1",
                        "-A input -g ep2"),
                v4("numgen random mod 3 vmap { 0-1 : goto ep1, 2 : goto ep2 }"), "a range key has its values' share");
    }

    @Test
    void eachDrawIsNamedAsNftNamesItWhileItsStatisticMatchIsIptablesOwn() {
        NftRuleTranslator.Translated t = assertInstanceOf(NftRuleTranslator.Translated.class,
                PROBE.outcome("numgen random mod 3 vmap { 0 : goto ep1, 1-2 : goto ep2 }", IpFamily.V4));
        List<Rule> rules = t.rules();
        assertEquals(2, rules.size());
        NumgenMatch draw = assertInstanceOf(NumgenMatch.class, rules.get(0).matches().get(0));
        assertEquals(List.of("numgen random mod 3", "numgen 0 -> goto ep1", "numgen != 0"),
                List.of(draw.draw(), draw.picked(), draw.notPicked()));
        Rule iptables = IptablesSaveParser.parse("iptables-save.txt", "*nat\n:ep1 - [0:0]\n"
                + "-A ep1 -m statistic --mode random --probability 0.33333333333 -g ep1\nCOMMIT\n").value()
                .table("nat").flatMap(n -> n.chain("ep1")).flatMap(c -> c.rule(1)).orElseThrow();
        StatisticMatch statistic = assertInstanceOf(StatisticMatch.class, iptables.matches().get(0),
                "iptables-save input still gives the plain statistic match");
        assertEquals(statistic, draw.statistic(), "the draw is the statistic match iptables-save would give");
        assertEquals(List.of("statistic", statistic.options(), false),
                List.of(draw.module(), draw.options(), draw.implicit()));
        assertEquals(List.of(), rules.get(1).matches(), "the last element takes what is left: no draw");
        assertEquals(draw, ((NftRuleTranslator.Translated) PROBE.outcome(
                "numgen random mod 3 vmap { 0 : goto ep1, 1-2 : goto ep2 }", IpFamily.V4)).rules().get(0).matches().get(0),
                "the same rule gives an equal draw");
        NftRuleTranslator.Translated ranges = assertInstanceOf(NftRuleTranslator.Translated.class,
                PROBE.outcome("numgen random mod 4 vmap { 0-1 : goto ep1, 2 : goto ep2 }", IpFamily.V4));
        NumgenMatch range = assertInstanceOf(NumgenMatch.class, ranges.rules().get(0).matches().get(0));
        assertEquals(List.of("numgen 0-1 -> goto ep1", "numgen != 0-1"), List.of(range.picked(), range.notPicked()));
        NumgenMatch second = assertInstanceOf(NumgenMatch.class, ranges.rules().get(1).matches().get(0));
        assertEquals(List.of("numgen random mod 4", "numgen 2 -> goto ep2", "numgen != 2"),
                List.of(second.draw(), second.picked(), second.notPicked()), "3 is listed by no key: a second draw");
    }

    @Test
    void transportHeaderPortsAndFibAddressTypes() {
        assertEquals(List.of("-A input -p tcp -m tcp --dport 80 -j ACCEPT"), v4("meta l4proto tcp th dport 80 accept"));
        assertEquals(List.of("-A input -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j RETURN"),
                v4("ip daddr 127.0.0.0/8 fib daddr type local return"));
        assertEquals(List.of("-A input -m addrtype ! --src-type LOCAL -j ACCEPT"), v4("fib saddr type != local accept"));
    }

    @Test
    void ipv6AndOlderKubeProxyShapes() {
        assertEquals(List.of("-A input -p tcp -j DNAT --to-destination [fd00:10:244::3]:8080"),
                PROBE.rules("meta l4proto tcp dnat to [fd00:10:244::3]:8080", IpFamily.V6));
        assertEquals(List.of("-A input -j DNAT --to-destination fd00::3"), PROBE.rules("dnat ip6 to fd00::3", IpFamily.V6));
        assertEquals(List.of("-A input -p tcp ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -m tcp --dport 30080 -g "
                        + "external-web"),
                v4("ip daddr != 127.0.0.0/8 fib daddr type local meta l4proto . th dport vmap @service-nodeports"),
                "kube-proxy 1.29-1.30 looked NodePorts up by fib daddr type local");
    }

    @Test
    void sessionAffinityIsASetElementMatchInTheEndpointChainAndASetMatchInTheServiceChain() {
        String ruleset = """
                table ip kube-proxy {
                \tset affinity-ep1 {
                \t\ttype ipv4_addr
                \t\tsize 65535
                \t\tflags dynamic,timeout
                \t\ttimeout 10s
                \t\telements = { 10.244.1.2 expires 8s684ms }
                \t}

                \tchain input {
                \t\tip saddr @affinity-ep1 goto ep1
                \t}

                \tchain ep1 {
                \t\tip saddr 10.244.1.3 jump mark-for-masquerade
                \t\tupdate @affinity-ep1 { ip saddr }
                \t\tmeta l4proto tcp dnat to 10.244.1.3:8080
                \t}

                \tchain mark-for-masquerade {
                \t}
                }
                """;
        NftTable table = NftRulesetParser.parse("nft.txt", ruleset).value().tables().get(0);
        TranslatorProbe probe = new TranslatorProbe(table, 1, 10);
        assertEquals(List.of("-A input -m set --match-set ip:kube-proxy:affinity-ep1 src -g ep1"),
                probe.rules("ip saddr @affinity-ep1 goto ep1", IpFamily.V4),
                "the listed element is not expanded: the set starts empty and is matched by capture time");
        assertEquals(List.of("-A input -m nft \"update @affinity-ep1 { ip saddr }\""),
                probe.rules("update @affinity-ep1 { ip saddr }", IpFamily.V4),
                "the set has a size (65535): the update is an element match that fails when the set is full");
    }

    @Test
    void anAffinitySetNoRuleOfTheTableChangesIsRefused() {
        String dynamic = "the named set @affinity-x is dynamic (its elements time out: the listing is a snapshot, not what"
                + " the packets met)";
        assertEquals(dynamic, refused("update @affinity-x { ip saddr }"));
        assertEquals(dynamic, refused("ip saddr @affinity-x goto ep1"));
    }

    @Test
    void formsOutsideTheSubsetAreRefusedNamingWhy() {
        assertEquals("'th dport' needs one protocol with ports before it (meta l4proto tcp)", refused("th dport 80 drop"));
        assertEquals("'dnat to 10.0.0.1:80' maps a port without a protocol match", refused("dnat to 10.0.0.1:80"));
        assertEquals("'dnat' without 'to ADDRESS' is not in the replayed subset", refused("dnat"));
        assertEquals("'redirect to 8080' is not 'to :PORT[-PORT]'", refused("meta l4proto tcp redirect to 8080"));
        assertEquals("'numgen inc mod 2' is not 'numgen random mod N' (numgen inc and offsets are not replayed)",
                refused("numgen inc mod 2 vmap { 0 : goto ep1, 1 : goto ep2 }"));
        assertEquals("the numgen map's keys overlap at 1", refused("numgen random mod 3 vmap { 0-1 : goto ep1, 1 : goto ep2 }"));
        assertEquals("'meta mark set ct mark << 1': only meta mark set ct mark [& | ^ VALUE] (one operator and a"
                + " number) is replayed", refused("meta mark set ct mark << 1"));
        assertEquals("'accept' after a NAT statement: only a set statement (add, update, delete @set), meta mark set or"
                + " ct mark set is replayed before a verdict", refused("masquerade accept"),
                "a NAT statement is the rule's verdict");
    }
}
