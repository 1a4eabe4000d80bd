package io.pktpath.parser.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.iptables.target.Connmark;
import io.pktpath.parser.iptables.target.Dnat;
import io.pktpath.parser.iptables.target.StatementVerdict;
import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The rule shapes of netavark's nftables firewall driver (Podman 5, {@code table inet netavark}) translated to iptables
 * rules: the connection-mark test of its FORWARD chain, the {@code ct mark set meta mark | 0x00001000} run before a port
 * forward's {@code dnat}, and the DNS rule's {@code th dport} after a set of protocols.
 */
class NftNetavarkTranslationTest {
    private static final NftTable TABLE = new NftTable(NftFamily.INET, "netavark", 1, List.of(
            new NftChain("input", 2, Optional.empty(), List.of()),
            new NftChain("NETAVARK-HOSTPORT-SETMARK", 9, Optional.empty(), List.of())), List.of());

    private static final TranslatorProbe PROBE = new TranslatorProbe(TABLE, 2, 5);

    private static List<String> v4(String text) {
        return PROBE.rules(text, IpFamily.V4);
    }

    @Test
    void aMaskedCtMarkTestIsConnmarksMaskedMark() {
        assertEquals(List.of("-A input -m connmark --mark 0x00001000/0x00001000 -j ACCEPT"),
                v4("ct mark & 0x00001000 == 0x00001000 accept"));
        assertEquals(List.of("-A input -m connmark ! --mark 0x1 -j DROP"), v4("ct mark != 0x1 drop"));
        assertEquals(List.of("-A input -m connmark --mark 0x0/0x4000 -j RETURN"), v4("ct mark and 0x4000 == 0x0 return"));
    }

    @Test
    void theCtMarkStatementBeforeTheDnatIsOneRuleWhoseStatementRunsFirst() {
        NftRuleTranslator.Translated t = assertInstanceOf(NftRuleTranslator.Translated.class, PROBE.outcome(
                "tcp dport 8080 ct mark set meta mark | 0x00001000 dnat ip to 10.88.0.2:80", IpFamily.V4));
        assertEquals(1, t.rules().size());
        StatementVerdict sv = assertInstanceOf(StatementVerdict.class, t.rules().get(0).target());
        Connmark c = assertInstanceOf(Connmark.class, sv.statement());
        assertEquals(Connmark.Mode.SAVE, c.mode());
        assertEquals(0xffffefffL, c.nfmask(), "nft's bitwise for | 0x1000: the mark's other bits");
        assertEquals(0x1000L, c.value(), "... xor 0x1000");
        assertEquals(0xffffffffL, c.ctmask(), "the whole ct mark is set");
        Dnat d = assertInstanceOf(Dnat.class, sv.verdict());
        assertEquals("-j DNAT --to-destination 10.88.0.2:80", d.render());
        assertEquals(List.of("-A input -p tcp -m tcp --dport 8080 -j CONNMARK --save-mark --nfmask 0xffffefff --ctmask"
                + " 0xffffffff --xor-mark 0x1000 -j DNAT --to-destination 10.88.0.2:80"),
                v4("tcp dport 8080 ct mark set meta mark | 0x00001000 dnat ip to 10.88.0.2:80"));
        assertEquals(List.of(), PROBE.rules("tcp dport 8080 ct mark set meta mark | 0x00001000 dnat ip to 10.88.0.2:80",
                IpFamily.V6), "dnat ip: IPv4 only");
    }

    @Test
    void ctMarkSetFromAConstantOrTheMarkAloneOrBeforeAVerdict() {
        Connmark set = assertInstanceOf(Connmark.class, target("ct mark set 0x00000020"));
        assertEquals(Connmark.Mode.SET, set.mode());
        assertEquals(0x20L, set.value());
        assertEquals(0xffffffffL, set.mask());
        Connmark copy = assertInstanceOf(Connmark.class, target("ct mark set meta mark"));
        assertEquals(Connmark.Mode.SAVE, copy.mode());
        assertEquals(0xffffffffL, copy.nfmask());
        assertEquals(0L, copy.value());
        Connmark masked = assertInstanceOf(Connmark.class, target("ct mark set mark and 0xff"));
        assertEquals(0xffL, masked.nfmask());
        StatementVerdict sv = assertInstanceOf(StatementVerdict.class, target("ct mark set mark xor 0x4 accept"));
        assertEquals(0x4L, ((Connmark) sv.statement()).value());
        assertTrue(PROBE.refusal("meta mark set 0x1 ct mark set 0x2 accept").contains("'ct mark set 0x2' follows another statement"),
                PROBE.refusal("meta mark set 0x1 ct mark set 0x2 accept"));
        assertTrue(PROBE.refusal("ct mark set 0x2 meta mark set 0x1 accept").contains("not in the replayed subset"));
    }

    @Test
    void thDportAfterASetOfProtocolsIsOnePortMatchPerProtocol() {
        assertEquals(List.of("-A input -s 10.88.0.0/16 -p tcp -m tcp --dport 53 -j ACCEPT",
                "-A input -s 10.88.0.0/16 -p udp -m udp --dport 53 -j ACCEPT"),
                v4("ip saddr 10.88.0.0/16 meta l4proto { tcp, udp } th dport 53 accept"));
        assertEquals(List.of("-A input -p udp -m multiport ! --dports 53,5353 -j DROP",
                "-A input -p tcp -m multiport ! --dports 53,5353 -j DROP"),
                v4("meta l4proto { udp, tcp } th dport != { 53, 5353 } drop"));
        assertTrue(PROBE.refusal("meta l4proto { tcp, icmp } th dport 53 accept").contains("needs protocols with ports"));
    }

    private static io.pktpath.parser.iptables.target.Target target(String text) {
        NftRuleTranslator.Translated t = assertInstanceOf(NftRuleTranslator.Translated.class,
                PROBE.outcome(text, IpFamily.V4));
        return t.rules().get(0).target();
    }
}
