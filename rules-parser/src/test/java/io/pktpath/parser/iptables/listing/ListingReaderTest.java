package io.pktpath.parser.iptables.listing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.iptables.model.Counters;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.net.IpFamily;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The listings under {@code iptables-listings/} were made with iptables 1.8.9 (nf_tables): a ruleset loaded with
 * iptables-restore -c into a fresh pkp-nvl namespace ({@code coverage/}: every match and target pktpath's parser models,
 * written for this test, its input beside; {@code rate-limits/} and {@code clusterip-affinity/}: the recorded bundles'
 * rules with their after counters; {@code rounded/}: counters past 99999), then listed with {@code iptables -t TABLE
 * -nvL} ({@code -vnxL}, {@code --line-numbers}) and saved with {@code iptables-save -c} there: each listed rule must read
 * back as the saved one, counters included.
 */
class ListingReaderTest {
    static String resource(String path) throws IOException {
        try (InputStream in = ListingReaderTest.class.getResourceAsStream("/iptables-listings/" + path)) {
            if (in == null) {
                throw new IOException("no resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The {@code [p:b] -A ...} rules of one table of an iptables-save -c dump, sorted. */
    private static List<String> saved(String save, String table) {
        List<String> out = new ArrayList<>();
        String current = "";
        for (String l : save.split("\n")) {
            if (l.startsWith("*")) {
                current = l.substring(1);
            } else if (current.equals(table) && l.matches("^\\[\\d+:\\d+\\] -A .*")) {
                out.add(l);
            }
        }
        out.sort(null);
        return out;
    }

    private static List<String> readBack(ListedTable t) {
        List<String> out = new ArrayList<>();
        for (ListedChain c : t.chains()) {
            for (ListedRule r : c.rules()) {
                out.add(r.counters().map(k -> "[" + k.packets() + ":" + k.bytes() + "] ").orElse("") + r.saveRule().orElse("?"));
            }
        }
        out.sort(null);
        return out;
    }

    @ParameterizedTest
    @CsvSource({
        "coverage/iptables_-t_raw_-nvL, coverage/iptables-save.txt, raw, V4",
        "coverage/iptables_-t_mangle_-nvL, coverage/iptables-save.txt, mangle, V4",
        "coverage/iptables_-t_nat_-nvL, coverage/iptables-save.txt, nat, V4",
        "coverage/iptables_-t_filter_-nvL, coverage/iptables-save.txt, filter, V4",
        "coverage/ip6tables_-t_mangle_-nvL, coverage/ip6tables-save.txt, mangle, V6",
        "coverage/ip6tables_-t_nat_-nvL, coverage/ip6tables-save.txt, nat, V6",
        "coverage/ip6tables_-t_filter_-nvL, coverage/ip6tables-save.txt, filter, V6",
        "clusterip-affinity/iptables_-t_nat_-nvL_--line-numbers, clusterip-affinity/iptables-save.txt, nat, V4",
        "clusterip-affinity/iptables_-vnxL, clusterip-affinity/iptables-save.txt, filter, V4",
        "rounded/iptables_-vnxL, rounded/iptables-save.txt, filter, V4",
        "rounded/iptables_-vnxL_--line-numbers, rounded/iptables-save.txt, filter, V4"})
    void everyListedRuleReadsBackAsTheSavedOne(String listing, String save, String table, IpFamily family)
            throws IOException {
        String name = listing.substring(listing.indexOf('/') + 1);
        Parsed<ListedTable> p = ListingReader.read(name, resource(listing), Optional.empty());
        assertEquals(List.of(), p.diagnostics(), listing);
        assertEquals(table, p.value().table(), listing);
        assertEquals(family, p.value().family(), listing);
        assertEquals(0, p.value().roundedFigures(), listing);
        List<String> want = saved(resource(save), table);
        assertFalse(want.isEmpty(), listing);
        assertEquals(want, readBack(p.value()), listing);
    }

    @Test
    void theTableAndFamilyComeFromTheChainsWithoutASosName() throws IOException {
        ListedTable nat = ListingReader.read("listing.txt", resource("coverage/ip6tables_-t_nat_-nvL"), Optional.empty()).value();
        assertEquals("nat", nat.table());
        assertEquals(IpFamily.V6, nat.family());
        assertEquals("raw", ListingReader.read("a.txt", resource("coverage/iptables_-t_raw_-nvL"), Optional.empty()).value().table());
        assertEquals("mangle", ListingReader.read("b.txt", resource("coverage/iptables_-t_mangle_-nvL"), Optional.empty()).value().table());
        assertEquals(IpFamily.V4, ListingReader.read("c.txt", resource("coverage/iptables_-t_nat_-nvL"), Optional.empty()).value().family());
    }

    /** Lines as iptables 1.8.9 lists them (from the listings above and the recorded bundles), each with its saved rule. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "    0     0 ACCEPT     6    --  *      *       0.0.0.0/0            10.244.1.3           tcp dpt:443"
                + "| -A X -d 10.244.1.3/32 -p tcp -m tcp --dport 443 -j ACCEPT",
        "    0     0 SSH-IN     6    --  *      *       0.0.0.0/0            0.0.0.0/0            multiport dports 22,2222 /* ssh \"admin\" ports */"
                + "| -A X -p tcp -m multiport --dports 22,2222 -m comment --comment \"ssh \\\"admin\\\" ports\" -j SSH-IN",
        "    0     0 KUBE-SERVICES  0    --  *      *       0.0.0.0/0            0.0.0.0/0            ctstate NEW /* kubernetes service portals */"
                + "| -A X -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
        "    0     0 RETURN     0    --  *      *       0.0.0.0/0            0.0.0.0/0            mark match ! 0x4000/0x4000"
                + "| -A X -m mark ! --mark 0x4000/0x4000 -j RETURN",
        "    0     0 KUBE-SEP-A  0    --  *      *       0.0.0.0/0            0.0.0.0/0            /* default/web:http -> 10.244.1.3:8080 */ statistic mode random probability 0.33333333349"
                + "| -A X -m comment --comment \"default/web:http -> 10.244.1.3:8080\" -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-A",
        "    2   120 KUBE-SEP-A  0    --  *      *       0.0.0.0/0            0.0.0.0/0            recent: CHECK seconds: 10800 reap name: KUBE-SEP-A side: source mask: 255.255.255.255"
                + "| -A X -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-A --mask 255.255.255.255 --rsource -j KUBE-SEP-A",
        "    0     0 MASQUERADE  0    --  *      *       0.0.0.0/0            0.0.0.0/0            /* cali:flqWnvo */ match-set cali40masq-ipam-pools src ! match-set cali40all-ipam-pools dst random-fully"
                + "| -A X -m comment --comment \"cali:flqWnvo\" -m set --match-set cali40masq-ipam-pools src -m set ! --match-set cali40all-ipam-pools dst -j MASQUERADE --random-fully",
        "    0     0 DOCKER     0    --  *      *       0.0.0.0/0           !127.0.0.0/8          ADDRTYPE match dst-type LOCAL"
                + "| -A X ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER",
        "    0     0 RETURN     0    --  *      *       0.0.0.0/0            0.0.0.0/0            PHYSDEV match --physdev-in veth+ --physdev-is-bridged"
                + "| -A X -m physdev --physdev-in veth+ --physdev-is-bridged -j RETURN",
        "    1    60 DNAT       6    --  !br-pkp *       0.0.0.0/0            0.0.0.0/0            tcp dpt:8080 to:172.17.0.2:80"
                + "| -A X ! -i br-pkp -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80",
        "    0     0 DNAT       6    --  *      *       ::/0                 ::/0                 /* default/web6:http */ tcp to:[fd00:10:244:1::3]:8080"
                + "| -A X -p tcp -m comment --comment \"default/web6:http\" -m tcp -j DNAT --to-destination [fd00:10:244:1::3]:8080",
        "    0     0 MARK       0    --  *      *       0.0.0.0/0            0.0.0.0/0            MARK or 0x4000"
                + "| -A X -j MARK --set-xmark 0x4000/0x4000",
        "    0     0 MARK       0    --  *      *       0.0.0.0/0            0.0.0.0/0            /* cali:fw */ MARK and 0xfffcffff"
                + "| -A X -m comment --comment \"cali:fw\" -j MARK --set-xmark 0x0/0x30000",
        "    2   120 TPROXY     6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:9000 TPROXY redirect 127.0.0.1:15007 mark 0x539/0xffffffff"
                + "| -A X -p tcp -m tcp --dport 9000 -j TPROXY --on-port 15007 --on-ip 127.0.0.1 --tproxy-mark 0x539/0xffffffff",
        "    1    33 REJECT     17   --  *      *       0.0.0.0/0            10.96.0.30           /* default/gone:dns has no endpoints */ udp dpt:53 reject-with icmp-port-unreachable"
                + "| -A X -d 10.96.0.30/32 -p udp -m comment --comment \"default/gone:dns has no endpoints\" -m udp --dport 53 -j REJECT --reject-with icmp-port-unreachable",
        "    0     0 cali-fw-c  0    --  cali+  *       0.0.0.0/0            0.0.0.0/0           [goto]  /* cali:from-c */"
                + "| -A X -i cali+ -m comment --comment \"cali:from-c\" -g cali-fw-c",
        "    0     0 DROP       0    --  *      *      !127.0.0.0/8          127.0.0.0/8          /* block incoming localnet connections */ ! ctstate RELATED,ESTABLISHED,DNAT"
                + "| -A X ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment \"block incoming localnet connections\" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP",
        "    0     0            6    --  *      *       0.0.0.0/0            10.244.1.3           tcp dpt:2222 flags:0x17/0x02 recent: SET name: pkp-ssh side: source mask: 255.255.255.255"
                + "| -A X -d 10.244.1.3/32 -p tcp -m tcp --dport 2222 --tcp-flags FIN,SYN,RST,ACK SYN -m recent --set --name pkp-ssh --mask 255.255.255.255 --rsource",
        "    0     0 CT         17   --  *      *       0.0.0.0/0            169.254.20.10        udp dpt:53 NOTRACK"
                + "| -A X -d 169.254.20.10/32 -p udp -m udp --dport 53 -j NOTRACK",
        "    0     0 ACCEPT     4    --  *      *       0.0.0.0/0            0.0.0.0/0            match-set cali40all-hosts-net src ADDRTYPE match dst-type LOCAL"
                + "| -A X -p ipencap -m set --match-set cali40all-hosts-net src -m addrtype --dst-type LOCAL -j ACCEPT"})
    void eachListedForm(String line, String rule) {
        String text = "Chain X (1 references)\n pkts bytes target     prot opt in     out     source               destination\n"
                + line + "\n";
        Parsed<ListedTable> p = ListingReader.read("listing.txt", text, Optional.empty());
        assertEquals(List.of(), p.diagnostics());
        assertEquals(Optional.of(rule.strip()), p.value().chains().get(0).rules().get(0).saveRule());
    }

    /**
     * iptables before 1.8.9 (RHEL 7's 1.4.21, RHEL 8's 1.8.4) prints protocol names ({@code all}, {@code tcp}) and
     * ip6tables spaces where the opt column is (its print_firewall writes no {@code --} for IPv6); not the output of
     * this machine's iptables 1.8.9, written after those versions' print_firewall.
     */
    @Test
    void olderListingsWithProtocolNamesAndIpv6WithoutOpt() {
        String v4 = """
                Chain INPUT (policy ACCEPT 5 packets, 300 bytes)
                 pkts bytes target     prot opt in     out     source               destination
                    1    60 ACCEPT     tcp  --  eth0   *       10.0.0.0/8           0.0.0.0/0            tcp dpt:22
                    0     0 DROP       all  -f  *      *       0.0.0.0/0            0.0.0.0/0
                """;
        ListedTable t = ListingReader.read("iptables_-t_filter_-nvL", v4, Optional.empty()).value();
        assertEquals(List.of("-A INPUT -s 10.0.0.0/8 -i eth0 -p tcp -m tcp --dport 22 -j ACCEPT", "-A INPUT -f -j DROP"),
                t.chains().get(0).rules().stream().map(r -> r.saveRule().orElseThrow()).toList());
        String v6 = """
                Chain INPUT (policy ACCEPT 0 packets, 0 bytes)
                 pkts bytes target     prot opt in     out     source               destination
                    0     0 ACCEPT     tcp      *      *       fd00::1              ::/0                 tcp dpt:22
                    0     0            all      eth0   *       ::/0                 ::/0
                    0     0 ACCEPT     ipv6-icmp    *      *       ::/0                 ::/0
                """;
        Parsed<ListedTable> p = ListingReader.read("listing", v6, Optional.empty());
        assertEquals(List.of(), p.diagnostics());
        assertEquals(IpFamily.V6, p.value().family());
        assertEquals(List.of("-A INPUT -s fd00::1/128 -p tcp -m tcp --dport 22 -j ACCEPT", "-A INPUT -i eth0",
                "-A INPUT -p ipv6-icmp -j ACCEPT"), p.value().chains().get(0).rules().stream()
                .map(r -> r.saveRule().orElseThrow()).toList());
    }

    @Test
    void roundedFiguresAreSaidAndGiveNoCounters() throws IOException {
        Parsed<ListedTable> p = ListingReader.read("iptables_-t_filter_-nvL", resource("rounded/iptables_-t_filter_-nvL"),
                Optional.empty());
        ListedTable t = p.value();
        assertEquals(List.of(), p.diagnostics());
        ListedChain input = t.chains().get(0);
        assertEquals(Optional.empty(), input.policyCounters(), "1235K packets, 988M bytes");
        assertEquals(Optional.empty(), input.rules().get(0).counters(), "123K 99M");
        assertEquals(Optional.empty(), input.rules().get(1).counters(), "100K 6000K");
        assertEquals(Optional.of(new Counters(99999, 99999)), t.chains().get(1).rules().get(0).counters());
        assertEquals(3, t.roundedFigures());
        Parsed<Ruleset> r = ListingRuleset.of(IpFamily.V4, List.of(t));
        assertTrue(r.diagnostics().stream().anyMatch(d -> d.message().startsWith("3 rules of iptables_-t_filter_-nvL carry"
                + " rounded counters (12K: listed without -x), approximate")), r.diagnostics().toString());
        var rules = r.value().table("filter").orElseThrow().chain("INPUT").orElseThrow().rules();
        assertEquals(Optional.empty(), rules.get(0).counters());
        assertEquals("-A INPUT -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -j ACCEPT", rules.get(0).text());
        assertEquals("iptables_-t_filter_-nvL", rules.get(0).span().file());
        assertEquals(3, rules.get(0).span().line());
    }

    @Test
    void hashlimitIsRefusedWithItsChainOnly() throws IOException {
        // rate-limits: FORWARD's two hashlimit rules; the listing prints no --hashlimit-name
        ListedTable t = ListingReader.read("iptables_-t_filter_-nvL", resource("rate-limits/iptables_-t_filter_-nvL"),
                Optional.empty()).value();
        Parsed<Ruleset> r = ListingRuleset.of(IpFamily.V4, List.of(t));
        List<Diagnostic> refusals = r.diagnostics().stream().filter(d -> d.code().equals(ListingRuleset.REFUSED)).toList();
        assertEquals(1, refusals.size(), refusals.toString());
        assertTrue(refusals.get(0).message().startsWith("chain filter FORWARD is not replayed: it reaches its own rule at"
                + " iptables_-t_filter_-nvL:9, whose listed form could not be turned back into iptables-save's"),
                refusals.get(0).message());
        var filter = r.value().table("filter").orElseThrow();
        assertTrue(filter.chain("FORWARD").isEmpty());
        assertEquals(saved(resource("rate-limits/iptables-save.txt"), "filter").stream()
                .filter(l -> l.contains(" -A INPUT ")).count(), filter.chain("INPUT").orElseThrow().rules().size());
    }

    @Test
    void aCutLineAndAnUnknownFormAreErrorsNamingFileLineAndExpectation() throws IOException {
        String[] lines = resource("clusterip-affinity/iptables_-vnxL").split("\n", -1);
        // line 4 is INPUT's KUBE-NODEPORTS rule; line 11 is FORWARD's KUBE-FORWARD rule (a comment)
        String cut = lines[3].substring(0, lines[3].indexOf("0.0.0.0/0") + 4);
        String unknown = lines[10].replace("/* kubernetes forwarding rules */", "frobnicate 3 /* kubernetes forwarding rules */");
        lines[3] = cut;
        lines[10] = unknown;
        Parsed<ListedTable> p = ListingReader.read("iptables_-vnxL", String.join("\n", lines), Optional.empty());
        assertEquals(2, p.diagnostics().size(), p.diagnostics().toString());
        Diagnostic first = p.diagnostics().get(0);
        assertEquals("iptables_-vnxL", first.span().file());
        assertEquals(4, first.span().line());
        assertTrue(first.message().startsWith("the rule line is cut short"), first.message());
        assertEquals("pkts bytes target prot opt in out source destination", first.expected());
        Diagnostic second = p.diagnostics().get(1);
        assertEquals(11, second.span().line());
        assertEquals(unknown.indexOf("frobnicate") + 1, second.span().column());
        assertTrue(second.message().contains("unknown listed form 'frobnicate 3 /* kubernetes forwarding rules */'"),
                second.message());
        assertTrue(second.expected().startsWith("a match as iptables -nvL prints it"), second.expected());
        assertTrue(second.format().contains("\n    " + unknown.replace('\t', ' ') + "\n"), second.format());
        Parsed<Ruleset> r = ListingRuleset.of(IpFamily.V4, List.of(p.value()));
        List<String> refused = r.diagnostics().stream().filter(d -> d.code().equals(ListingRuleset.REFUSED))
                .map(d -> d.message().substring(0, d.message().indexOf(" is not replayed"))).toList();
        assertEquals(List.of("chain filter INPUT", "chain filter FORWARD"), refused);
        var filter = r.value().table("filter").orElseThrow();
        assertEquals(3, filter.chain("OUTPUT").orElseThrow().rules().size(), "the rest is replayed");
        assertTrue(filter.chain("KUBE-FIREWALL").isPresent());
    }
}
