package io.pktpath.parser.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.iptables.match.*;
import io.pktpath.parser.iptables.model.Negatable;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.PortRange;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The typed values of the matches, read from rule text, and their exact re-rendering. */
class MatchModelTest {
    private static final String HEAD = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n";

    /** Parses one filter FORWARD rule, checks there is no diagnostic and that it renders back exactly. */
    static Rule one(String ruleText) {
        Parsed<Ruleset> p = IptablesSaveParser.parse("m.rules", HEAD + ruleText + "\nCOMMIT\n");
        assertEquals(List.of(), p.diagnostics().stream().map(d -> d.format()).toList());
        Rule r = p.value().table("filter").orElseThrow().chain("FORWARD").orElseThrow().rule(1).orElseThrow();
        assertEquals(ruleText, RuleRenderer.render(r));
        assertEquals(ruleText, r.text());
        return r;
    }

    static <M extends Match> M only(Rule r, Class<M> kind) {
        List<M> found = r.matches(kind);
        assertEquals(1, found.size(), kind.getSimpleName());
        return found.get(0);
    }

    @Test
    void basicOptionsIncludingBothNegationPositions() {
        Rule r = one("-A FORWARD -s 10.1.0.0/16 ! -d 10.2.0.1/32 -i veth+ ! -o eth0 -p tcp -f -j ACCEPT");
        List<Match> m = r.matches();
        AddressMatch s = (AddressMatch) m.get(0);
        assertEquals(AddressMatch.Side.SOURCE, s.side());
        assertTrue(s.matches(IpAddress.v4(0x0a01ff01)));
        AddressMatch d = (AddressMatch) m.get(1);
        assertTrue(d.negated());
        assertFalse(d.matches(IpAddress.v4(0x0a020001)));
        InterfaceMatch in = (InterfaceMatch) m.get(2);
        assertTrue(in.wildcard());
        assertTrue(in.matches("veth12"));
        assertFalse(in.matches("eth0"));
        assertFalse(((InterfaceMatch) m.get(3)).matches("eth0"));
        assertEquals(6, ((ProtocolMatch) m.get(4)).number());
        assertTrue(m.get(5) instanceof FragmentMatch);

        Rule old = one("-A FORWARD -s 192.168.122.0/24 -d ! 192.168.122.0/24 -j ACCEPT");
        AddressMatch legacy = (AddressMatch) old.matches().get(1);
        assertTrue(legacy.negated());
        assertTrue(legacy.negationAfterName());
    }

    @Test
    void nonCanonicalSpellingsAreKeptForRendering() {
        Rule r = one("-A FORWARD -s 10.0.0.1 -p 6 --dport 80 -j ACCEPT");
        AddressMatch s = only(r, AddressMatch.class);
        assertEquals(new Cidr(IpAddress.v4(0x0a000001), 32), s.cidr());
        assertEquals("10.0.0.1", s.argumentSpelling().orElseThrow());
        assertEquals("tcp", only(r, ProtocolMatch.class).name());
        TcpMatch tcp = only(r, TcpMatch.class);
        assertTrue(tcp.implicit(), "--dport after -p tcp without -m tcp");
        assertEquals(PortRange.single(80), tcp.destinationPort().orElseThrow().value().range());
    }

    @Test
    void tcpFlagsSynAndPortRanges() {
        Rule r = one("-A FORWARD -p tcp -m tcp ! --sport 1024:65535 --dport 22 --tcp-flags FIN,SYN,RST,ACK SYN -j ACCEPT");
        TcpMatch tcp = only(r, TcpMatch.class);
        Negatable<OptionValue.Ports> sport = tcp.sourcePort().orElseThrow();
        assertTrue(sport.negated());
        assertEquals(new PortRange(1024, 65535), sport.value().range());
        OptionValue.TcpFlags flags = tcp.flags().orElseThrow().value();
        assertEquals(0x17, flags.mask());
        assertEquals(0x02, flags.comparison());
        assertTrue(flags.matches(0x02));
        assertFalse(flags.matches(0x12));

        TcpMatch syn = only(one("-A FORWARD -p tcp -m tcp ! --syn -j DROP"), TcpMatch.class);
        assertTrue(syn.syn());
        assertTrue(syn.effectiveFlags().orElseThrow().negated());
        assertEquals(new OptionValue.TcpFlags(0x17, 0x02), syn.effectiveFlags().orElseThrow().value());

        MatchOption all = only(one("-A FORWARD -p tcp -m tcp --tcp-flags ALL NONE -j DROP"), TcpMatch.class)
                .option("--tcp-flags").orElseThrow();
        assertEquals(new OptionValue.TcpFlags(0x3f, 0), all.value());
        assertEquals("FIN,SYN,RST,PSH,ACK,URG NONE", all.value().render());
        assertEquals("ALL NONE", all.argumentSpelling().orElseThrow());
    }

    @Test
    void statisticKeepsTheKernelProbability() {
        StatisticMatch s = only(one("-A FORWARD -m statistic --mode random --probability 0.20000000019 -j ACCEPT"),
                StatisticMatch.class);
        assertEquals(429496730L, s.probability().orElseThrow().value().numerator());
        assertEquals("0.20000000019", s.probability().orElseThrow().value().render());
        assertEquals("random", s.mode().orElseThrow().value().text());

        MatchOption third = only(one("-A FORWARD -m statistic --mode random --probability 0.33333333333 -j ACCEPT"),
                StatisticMatch.class).option("--probability").orElseThrow();
        assertEquals(715827883L, ((OptionValue.Probability) third.value()).numerator());
        assertEquals("0.33333333349", third.value().render(), "what iptables-save prints for 0.33333333333 (§4.3)");
        assertEquals("0.33333333333", third.argumentSpelling().orElseThrow());

        StatisticMatch nth = only(one("-A FORWARD -m statistic --mode nth --every 3 --packet 0 -j ACCEPT"), StatisticMatch.class);
        assertEquals(3, nth.every().orElseThrow().value().value());
        assertEquals(0, nth.packet().orElseThrow().value().value());
    }

    @Test
    void conntrackStateMarkAndSet() {
        Rule r = one("-A FORWARD -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT --ctorigdstport 53 -m state --state NEW"
                + " -m mark --mark 0x4000/0x4000 -m connmark ! --mark 0x1 -m set ! --match-set KUBE-X src,dst -j DROP");
        ConntrackMatch ct = only(r, ConntrackMatch.class);
        assertTrue(ct.states().orElseThrow().negated());
        assertEquals(List.of("RELATED", "ESTABLISHED", "DNAT"), ct.states().orElseThrow().value().words());
        assertEquals(PortRange.single(53), ct.originalDestinationPort().orElseThrow().value().range());
        assertEquals(List.of("NEW"), only(r, StateMatch.class).states().orElseThrow().value().words());
        OptionValue.MarkMask mark = only(r, MarkMatch.class).mark().orElseThrow().value();
        assertTrue(mark.matches(0x4001));
        assertFalse(mark.matches(0x0001));
        Negatable<OptionValue.MarkMask> connmark = only(r, ConnmarkMatch.class).mark().orElseThrow();
        assertEquals(new OptionValue.MarkMask(1, 0xffffffffL, false), connmark.value());
        assertTrue(connmark.negated());
        Negatable<OptionValue.SetRef> set = only(r, SetMatch.class).set().orElseThrow();
        assertEquals(new OptionValue.SetRef("KUBE-X", List.of("src", "dst")), set.value());
        assertTrue(set.negated());
    }

    @Test
    void addressModules() {
        Rule r = one("-A FORWARD -m addrtype --dst-type LOCAL,BROADCAST --limit-iface-in -m iprange ! --src-range"
                + " 10.0.0.1-10.0.0.9 -m multiport --dports 80,443,8000:8080 -m mac --mac-source 00:11:22:33:44:55 -j ACCEPT");
        AddrtypeMatch a = only(r, AddrtypeMatch.class);
        assertEquals(List.of("LOCAL", "BROADCAST"), a.destinationTypes().orElseThrow().value().words());
        assertTrue(a.limitIfaceIn());
        Negatable<OptionValue.AddressRange> range = only(r, IprangeMatch.class).sourceRange().orElseThrow();
        assertTrue(range.negated());
        assertTrue(range.value().contains(IpAddress.v4(0x0a000005)));
        assertFalse(range.value().contains(IpAddress.v4(0x0a00000a)));
        OptionValue.PortList ports = only(r, MultiportMatch.class).destinationPorts().orElseThrow().value();
        assertTrue(ports.contains(8050));
        assertFalse(ports.contains(81));
        assertEquals("00:11:22:33:44:55", only(r, MacMatch.class).macSource().orElseThrow().value().text());
    }

    @Test
    void rateAndStateModules() {
        Rule r = one("-A FORWARD -m limit --limit 5/min --limit-burst 10 -m recent --rcheck --seconds 60 --hitcount 4"
                + " --name SSH --mask 255.255.255.255 --rsource -m hashlimit --hashlimit-above 10/sec --hashlimit-burst 20"
                + " --hashlimit-mode srcip --hashlimit-name aflood -j DROP");
        LimitMatch limit = only(r, LimitMatch.class);
        assertEquals(new OptionValue.Rate(5, "min"), limit.limit().orElseThrow().value());
        assertEquals(10, limit.burst().orElseThrow().value().value());
        RecentMatch recent = only(r, RecentMatch.class);
        assertTrue(recent.rcheck());
        assertTrue(recent.rsource());
        assertEquals(60, recent.seconds().orElseThrow().value().value());
        assertEquals("SSH", recent.name().orElseThrow().value().text());
        assertEquals(IpAddress.v4(-1), recent.mask().orElseThrow().value().address());
        HashlimitMatch h = only(r, HashlimitMatch.class);
        assertEquals("10/sec", h.above().orElseThrow().value().text());
        assertEquals(List.of("srcip"), h.mode().orElseThrow().value().words());
    }

    @Test
    void hostModules() {
        Rule r = one("-A FORWARD -m physdev --physdev-in veth1 --physdev-is-bridged -m pkttype --pkt-type broadcast"
                + " -m length --length 0:128 -m ttl --ttl-lt 5 -m owner --uid-owner 0 -m socket --transparent"
                + " -m rpfilter --loose --invert -m icmp --icmp-type 3/3 -m comment --comment \"it\\'s a \\\"quoted\\\" \\\\ word\""
                + " -m string --string \"GET /\" --algo bm -m u32 --u32 \"0x0>>0x16&0x3c@0x0>>0x10=0x50\""
                + " -m nfacct --nfacct-name counted -m bpf --bytecode \"4,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0\" -j ACCEPT");
        PhysdevMatch phys = only(r, PhysdevMatch.class);
        assertEquals("veth1", phys.physdevIn().orElseThrow().value().text());
        assertTrue(phys.isBridged());
        assertEquals("broadcast", only(r, PkttypeMatch.class).packetType().orElseThrow().value().text());
        assertTrue(only(r, LengthMatch.class).length().orElseThrow().value().contains(100));
        assertEquals(5, only(r, TtlMatch.class).less().orElseThrow().value().value());
        assertEquals("0", only(r, OwnerMatch.class).uid().orElseThrow().value().text());
        assertTrue(only(r, SocketMatch.class).transparent());
        assertTrue(only(r, RpfilterMatch.class).loose() && only(r, RpfilterMatch.class).invert());
        OptionValue.IcmpType icmp = only(r, IcmpMatch.class).icmpType().orElseThrow().value();
        assertTrue(icmp.matches(3, 3));
        assertFalse(icmp.matches(3, 1));
        assertEquals("it's a \"quoted\" \\ word", only(r, CommentMatch.class).comment().orElseThrow().value().text());
        assertEquals("GET /", only(r, StringMatch.class).string().orElseThrow().value().text());
        assertEquals("0x0>>0x16&0x3c@0x0>>0x10=0x50", only(r, U32Match.class).tests().orElseThrow().value().text());
        assertEquals("counted", only(r, NfacctMatch.class).name().orElseThrow().value().text());
        assertEquals("4,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0", only(r, BpfMatch.class).bytecode().orElseThrow().value().text());
    }

    @Test
    void icmpNamesAndIpv6Modules() {
        MatchOption named = only(one("-A FORWARD -p icmp -m icmp --icmp-type echo-request -j ACCEPT"), IcmpMatch.class)
                .option("--icmp-type").orElseThrow();
        assertEquals(new OptionValue.IcmpType(false, 8, -1), named.value());
        assertEquals("echo-request", named.argumentSpelling().orElseThrow());
        Parsed<Ruleset> v6 = IptablesSaveParser.parse("v6", "# Generated by ip6tables-save v1.8.9\n*filter\n:INPUT ACCEPT [0:0]\n"
                + "-A INPUT -s fd00::/8 -p ipv6-icmp -m icmp6 --icmpv6-type 135 -m hl --hl-eq 255 -j ACCEPT\nCOMMIT\n");
        assertEquals(List.of(), v6.diagnostics());
        Rule r = v6.value().table("filter").orElseThrow().rules().get(0);
        assertEquals(135, only(r, Icmp6Match.class).icmpType().orElseThrow().value().type());
        assertEquals(255, only(r, HlMatch.class).equal().orElseThrow().value().value());
        assertEquals(58, only(r, ProtocolMatch.class).number());
    }

    @Test
    void interleavedModuleOptionsContinueTheirModule() {
        Rule r = one("-A FORWARD -m comment --comment ns2/svc2:p80 -m tcp -p tcp -d 172.30.0.42 --dport 80 -j ACCEPT");
        List<TcpMatch> tcp = r.matches(TcpMatch.class);
        assertEquals(2, tcp.size());
        assertFalse(tcp.get(0).implicit());
        assertEquals(List.of(), tcp.get(0).options());
        assertTrue(tcp.get(1).implicit());
        assertEquals(80, tcp.get(1).destinationPort().orElseThrow().value().range().from());
        assertEquals("ns2/svc2:p80", only(r, CommentMatch.class).comment().orElseThrow().value().text());
    }

    @Test
    void unknownModulesAndOptionsAreKeptWithAWarning() {
        Parsed<Ruleset> p = IptablesSaveParser.parse("u.rules", HEAD
                + "-A FORWARD -m cgroup --path service/x ! --cgroup 5 -p tcp -m tcp --dport 1 --frob -j ACCEPT\nCOMMIT\n");
        assertEquals(List.of(
                "u.rules:5:12: warning[IPT102]: match 'cgroup' is not modeled; kept verbatim, evaluates as unknown",
                "u.rules:5:59: warning[IPT102]: option --frob is not modeled for match 'tcp'; kept verbatim, evaluates as unknown"),
                p.diagnostics().stream().map(d -> d.headline()).toList());
        Rule r = p.value().table("filter").orElseThrow().rules().get(0);
        List<UnsupportedMatch> u = r.matches(UnsupportedMatch.class);
        assertEquals(List.of("-m", "cgroup", "--path", "service/x", "!", "--cgroup", "5"), u.get(0).tokens());
        assertEquals(List.of("-m", "tcp", "--dport", "1", "--frob"), u.get(1).tokens());
        assertEquals(12, u.get(0).span().column());
        assertEquals("-A FORWARD -m cgroup --path service/x ! --cgroup 5 -p tcp -m tcp --dport 1 --frob -j ACCEPT",
                RuleRenderer.render(r));
    }
}
