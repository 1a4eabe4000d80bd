package io.pktpath.parser.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.target.*;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.net.PortRange;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The typed targets, read from rule text, their normalization, and their exact re-rendering. */
class TargetModelTest {
    private static final String CHAINS = ":PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n"
            + ":OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:USER - [0:0]\n";

    /** Parses one rule in a table and chain, expecting no diagnostic and an exact re-rendering. */
    private static Target target(String table, String ruleText) {
        Parsed<Ruleset> p = IptablesSaveParser.parse("t.rules", "*" + table + "\n" + CHAINS + ruleText + "\nCOMMIT\n");
        assertEquals(List.of(), p.diagnostics().stream().map(d -> d.format()).toList());
        Rule r = p.value().table(table).orElseThrow().rules().get(0);
        assertEquals(ruleText, RuleRenderer.render(r));
        return r.target();
    }

    @Test
    void verdictsAndControlFlow() {
        assertEquals(new Accept(), target("filter", "-A INPUT -j ACCEPT"));
        assertEquals(new Drop(), target("filter", "-A INPUT -j DROP"));
        assertEquals(new Return(), target("filter", "-A USER -j RETURN"));
        assertEquals(new Jump("USER"), target("filter", "-A INPUT -j USER"));
        assertEquals(new Goto("USER"), target("filter", "-A INPUT -g USER"));
        assertEquals(new NoTarget(), target("filter", "-A INPUT -p tcp"));
        assertTrue(new Accept().terminating() && new Drop().terminating());
        assertFalse(new Return().terminating() || new Jump("X").terminating() || new NoTarget().terminating());
    }

    @Test
    void rejectWithEveryTypeAndTheFamilyDefault() {
        for (RejectWith with : RejectWith.values()) {
            assertEquals(new Reject(with, true), target("filter", "-A INPUT -j REJECT --reject-with " + with.printed()));
        }
        assertEquals(new Reject(RejectWith.ICMP_PORT_UNREACHABLE, false), target("filter", "-A INPUT -j REJECT"));
        Parsed<Ruleset> v6 = IptablesSaveParser.parse("6", "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j REJECT\nCOMMIT\n",
                IpFamily.V6);
        assertEquals(new Reject(RejectWith.ICMP6_PORT_UNREACHABLE, false), v6.value().table("filter").orElseThrow().rules().get(0).target());
        assertEquals(3, RejectWith.ICMP_HOST_PROHIBITED.icmpType());
        assertEquals(10, RejectWith.ICMP_HOST_PROHIBITED.icmpCode());
    }

    @Test
    void markNormalizedToXmark() {
        Mark or = (Mark) target("mangle", "-A PREROUTING -j MARK --or-mark 0x4000");
        assertEquals(new Mark(0x4000, 0x4000, MarkOp.OR_MARK), or);
        assertEquals(0x4001, or.apply(0x0001));
        Mark xor = (Mark) target("mangle", "-A PREROUTING -j MARK --xor-mark 0x4000");
        assertEquals(0x0001, xor.apply(0x4001));
        Mark and = (Mark) target("mangle", "-A PREROUTING -j MARK --and-mark 0xff");
        assertEquals(new Mark(0, 0xffffff00L, MarkOp.AND_MARK), and);
        assertEquals(0x34, and.apply(0x1234));
        Mark set = (Mark) target("mangle", "-A PREROUTING -j MARK --set-mark 0x1");
        assertEquals(new Mark(1, 0xffffffffL, MarkOp.SET_MARK), set);
        Mark xmark = (Mark) target("mangle", "-A PREROUTING -j MARK --set-xmark 0x4000/0x0");
        assertEquals(0x4000 ^ 0x4000, xmark.apply(0x4000));
    }

    @Test
    void connmarkModes() {
        assertEquals(new Connmark(Connmark.Mode.SET, 1, 1, 0xffffffffL, 0xffffffffL, MarkOp.SET_XMARK),
                target("mangle", "-A PREROUTING -j CONNMARK --set-xmark 0x1/0x1"));
        assertEquals(new Connmark(Connmark.Mode.RESTORE, 0, 0, 0xff, 0xffffffffL, MarkOp.SET_XMARK),
                target("mangle", "-A PREROUTING -j CONNMARK --restore-mark --nfmask 0xff --ctmask 0xffffffff"));
        assertEquals(Connmark.Mode.SAVE,
                ((Connmark) target("mangle", "-A PREROUTING -j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff")).mode());
    }

    @Test
    void natTargets() {
        Dnat dnat = (Dnat) target("nat", "-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1-10.0.0.5:8080-8090 --random --persistent");
        assertEquals(Optional.of(IpAddress.v4(0x0a000001)), dnat.range().from());
        assertEquals(Optional.of(IpAddress.v4(0x0a000005)), dnat.range().to());
        assertEquals(Optional.of(new PortRange(8080, 8090)), dnat.range().ports());
        assertTrue(dnat.random() && dnat.persistent() && dnat.terminating());
        Snat snat = (Snat) target("nat", "-A POSTROUTING -j SNAT --to-source 192.0.2.1 --random-fully");
        assertTrue(snat.randomFully());
        assertEquals(Optional.empty(), snat.range().ports());
        assertEquals(new Masquerade(Optional.of(new PortRange(1024, 65535)), false, false),
                target("nat", "-A POSTROUTING -p tcp -j MASQUERADE --to-ports 1024-65535"));
        assertEquals(new Redirect(Optional.of(PortRange.single(8080)), false, false),
                target("nat", "-A PREROUTING -p tcp -j REDIRECT --to-ports 8080"));
        Netmap netmap = (Netmap) target("nat", "-A PREROUTING -j NETMAP --to 10.9.0.0/16");
        assertEquals(16, netmap.to().prefixLength());

        Parsed<Ruleset> v6 = IptablesSaveParser.parse("6", "*nat\n:PREROUTING ACCEPT [0:0]\n"
                + "-A PREROUTING -p tcp -j DNAT --to-destination [fd00::c1]:80\nCOMMIT\n");
        Rule r = v6.value().table("nat").orElseThrow().rules().get(0);
        assertEquals(IpFamily.V6, v6.value().family(), "family from the first address");
        assertEquals("-j DNAT --to-destination [fd00::c1]:80", r.target().render());
    }

    @Test
    void rawMangleAndLoggingTargets() {
        assertEquals(new Ct(true, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()),
                target("raw", "-A PREROUTING -j CT --notrack"));
        Ct zone = (Ct) target("raw", "-A PREROUTING -j CT --helper ftp --zone 5");
        assertEquals(Optional.of("ftp"), zone.helper());
        assertEquals(5, zone.zone().orElseThrow().zone());
        assertEquals(new Notrack(), target("raw", "-A PREROUTING -j NOTRACK"));
        assertEquals(new Trace(), target("raw", "-A PREROUTING -j TRACE"));
        assertEquals(new Nfqueue(0, Optional.of(3), true, false), target("filter", "-A INPUT -j NFQUEUE --queue-balance 0:3 --queue-bypass"));
        assertEquals(new Queue(), target("filter", "-A INPUT -j QUEUE"));
        assertEquals(new Checksum(true), target("mangle", "-A POSTROUTING -p udp -j CHECKSUM --checksum-fill"));
        assertEquals(new Tcpmss(Optional.of(1400), false), target("mangle", "-A FORWARD -p tcp -j TCPMSS --set-mss 1400"));
        assertEquals(new Tcpmss(Optional.empty(), true), target("mangle", "-A FORWARD -p tcp -j TCPMSS --clamp-mss-to-pmtu"));
        assertEquals(new Log(Optional.of("FW-DROP: "), Optional.of("6"), List.of("--log-tcp-options", "--log-ip-options")),
                target("filter", "-A INPUT -j LOG --log-prefix \"FW-DROP: \" --log-level 6 --log-tcp-options --log-ip-options"));
        assertEquals(new Nflog(Optional.of("x"), Optional.of(5), Optional.empty(), Optional.empty()),
                target("filter", "-A INPUT -j NFLOG --nflog-prefix x --nflog-group 5"));
    }

    @Test
    void nonCanonicalTargetTextIsKept() {
        Parsed<Ruleset> p = IptablesSaveParser.parse("t", "*filter\n:INPUT ACCEPT [0:0]\n"
                + "-A INPUT -j LOG --log-level 6 --log-prefix x\nCOMMIT\n");
        Rule r = p.value().table("filter").orElseThrow().rules().get(0);
        assertEquals("-j LOG --log-prefix \"x\" --log-level 6", r.target().render());
        assertEquals(Optional.of("-j LOG --log-level 6 --log-prefix x"), r.targetSpelling());
        assertEquals("-A INPUT -j LOG --log-level 6 --log-prefix x", RuleRenderer.render(r));
    }

    @Test
    void unmodeledTargetIsKeptWithAWarning() {
        Parsed<Ruleset> p = IptablesSaveParser.parse("t", "*filter\n:INPUT ACCEPT [0:0]\n"
                + "-A INPUT -p tcp -j SYNPROXY --sack-perm --timestamp --wscale 7 --mss 1460\nCOMMIT\n");
        assertEquals(List.of("t:3:20: warning[IPT103]: target SYNPROXY is not modeled; kept verbatim"),
                p.diagnostics().stream().map(d -> d.headline()).toList());
        UnsupportedTarget u = (UnsupportedTarget) p.value().table("filter").orElseThrow().rules().get(0).target();
        assertEquals(List.of("--sack-perm", "--timestamp", "--wscale", "7", "--mss", "1460"), u.tokens());
        assertTrue(u.terminating());
    }

    @Test
    void tproxyAsIptablesSavePrintsItRoundTrips() {
        String rule = "-A ISTIO_TPROXY ! -d 127.0.0.1/32 -p tcp -j TPROXY --on-port 15006 --on-ip 0.0.0.0 --tproxy-mark 0x539/0xffffffff";
        Parsed<Ruleset> p = IptablesSaveParser.parse("t", "*mangle\n:PREROUTING ACCEPT [0:0]\n:ISTIO_TPROXY - [0:0]\n" + rule
                + "\nCOMMIT\n");
        assertEquals(List.of(), p.diagnostics().stream().map(d -> d.headline()).toList());
        Rule r = p.value().table("mangle").orElseThrow().rules().get(0);
        Tproxy t = (Tproxy) r.target();
        assertEquals(15006, t.onPort());
        assertTrue(t.onInputAddress());
        assertEquals(0x539L, t.markValue());
        assertEquals(0xffffffffL, t.markMask());
        assertEquals(0x539L, t.applyMark(0x1000));
        assertEquals(rule, RuleRenderer.render(r));
    }

    @Test
    void tproxyDefaultsAreWhatIptablesSavePrints() {
        Parsed<Ruleset> p = IptablesSaveParser.parse("t", "*mangle\n:PREROUTING ACCEPT [0:0]\n"
                + "-A PREROUTING -p tcp -m tcp --dport 9000 -j TPROXY --on-port 15007 --on-ip 127.0.0.1 --tproxy-mark 0x1/0x1\n"
                + "-A PREROUTING -p tcp -j TPROXY --on-port 0 --tproxy-mark 0x539\nCOMMIT\n");
        List<Rule> rules = p.value().table("mangle").orElseThrow().rules();
        assertEquals("-j TPROXY --on-port 15007 --on-ip 127.0.0.1 --tproxy-mark 0x1/0x1", rules.get(0).target().render());
        assertEquals("-j TPROXY --on-port 0 --on-ip 0.0.0.0 --tproxy-mark 0x539/0xffffffff", rules.get(1).target().render());
        Parsed<Ruleset> six = IptablesSaveParser.parse("t", "*mangle\n:PREROUTING ACCEPT [0:0]\n"
                + "-A PREROUTING ! -d ::1/128 -p tcp -j TPROXY --on-port 15006 --on-ip :: --tproxy-mark 0x539/0xffffffff\nCOMMIT\n",
                IpFamily.V6);
        assertEquals("-j TPROXY --on-port 15006 --on-ip :: --tproxy-mark 0x539/0xffffffff",
                six.value().table("mangle").orElseThrow().rules().get(0).target().render());
    }

    @Test
    void badTproxyValuesAreReportedByLineAndTheOtherRulesAreKept() {
        Parsed<Ruleset> p = IptablesSaveParser.parse("t", "*mangle\n:PREROUTING ACCEPT [0:0]\n"
                + "-A PREROUTING -p tcp -j TPROXY --on-port 70000\n"
                + "-A PREROUTING -p tcp -j TPROXY --on-port 15006 --on-ip 300.1.1.1\n"
                + "-A PREROUTING -p tcp -j TPROXY --on-port 15006 --tproxy-mark 0x1/zz\n"
                + "-A PREROUTING -p tcp -j TPROXY --on-port 15006\nCOMMIT\n");
        assertEquals(List.of("t:3:42: error[IPT015]: '70000' is not a port (expected: a port number 0-65535)",
                "t:4:42: error[IPT015]: '300.1.1.1' is not an IPv4 address (expected: four dotted decimal octets 0-255,"
                        + " such as 10.0.0.1)",
                "t:5:42: error[IPT015]: '0x1/zz' is not a 32-bit value (expected: a number such as 0x4000 or 16,"
                        + " optionally /mask)"),
                p.diagnostics().stream().map(d -> d.headline()).toList());
        assertEquals(List.of("-j TPROXY --on-port 15006 --on-ip 0.0.0.0 --tproxy-mark 0x0/0x0"),
                p.value().table("mangle").orElseThrow().rules().stream().map(r -> r.target().render()).toList());
    }

    @Test
    void tproxyOutsideManglePreroutingIsRefused() {
        Parsed<Ruleset> p = IptablesSaveParser.parse("t", "*mangle\n:INPUT ACCEPT [0:0]\n"
                + "-A INPUT -p tcp -j TPROXY --on-port 15006\nCOMMIT\n");
        assertEquals(List.of("t:3:17: warning[IPT106]: TPROXY is refused in mangle INPUT (expected: mangle PREROUTING, or a chain reached from it)"),
                p.diagnostics().stream().map(d -> d.headline()).toList());
    }
}
