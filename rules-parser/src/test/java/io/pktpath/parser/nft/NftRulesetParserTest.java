package io.pktpath.parser.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** nft list ruleset outputs recorded from the kernel and written in firewalld's and kube-proxy's shape. */
class NftRulesetParserTest {
    private static final Path BUNDLES = Path.of("../samples/bundles");

    private static String resource(String name) throws IOException {
        try (InputStream in = NftRulesetParserTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Parsed<NftRuleset> recorded(String bundle) throws IOException {
        return NftRulesetParser.parse("nft-ruleset.txt", Files.readString(BUNDLES.resolve(bundle).resolve("nft-ruleset.txt")));
    }

    @Test
    void readsTheRecordedRulesetWithHandlesAndTellsIptablesTablesFromTheNativeOne() throws IOException {
        Parsed<NftRuleset> parsed = recorded("nft-native-firewall");
        assertEquals(List.of(), parsed.diagnostics());
        NftRuleset r = parsed.value();
        assertEquals(List.of("ip filter", "ip raw", "inet pkp_fw"), r.tables().stream().map(NftTable::qualifiedName).toList());
        NftTable fw = r.tables().get(2);
        NftChain input = fw.chain("input").orElseThrow();
        NftBaseChain base = input.base().orElseThrow();
        assertEquals("filter", base.type());
        assertEquals("input", base.hook());
        assertEquals("filter + 10", base.priorityText());
        assertEquals(OptionalInt.of(10), base.priority());
        assertEquals("accept", base.policy());
        assertEquals(1, input.rules().size());
        NftRule drop = input.rules().get(0);
        assertTrue(drop.text().startsWith("tcp dport 8081 counter packets "), drop.text());
        assertFalse(drop.text().contains("handle"));
        assertEquals(Optional.of(3L), drop.handle());
        assertEquals(List.of("drop"), drop.decisiveStatements());
        assertEquals(List.of("inet pkp_fw input", "inet pkp_fw output"),
                r.nativeBaseChains().stream().map(NftHookedChain::qualifiedName).toList());
        assertTrue(r.nativeBaseChains().get(0).canChangeVerdict());
        assertFalse(r.nativeBaseChains().get(1).canChangeVerdict(), "a counter-only accept chain");
        assertEquals(5, r.baseChains().size() - r.nativeBaseChains().size(), "ip filter INPUT/FORWARD/OUTPUT, ip raw x2");
        assertEquals("type filter hook input priority filter + 10 (10), policy accept", base.describe());
    }

    @Test
    void ip6tablesNftTablesAreIptablesOwnIncludingNatInputAndMangleRoute() throws IOException {
        Parsed<NftRuleset> parsed = recorded("ipv6-dnat-masq");
        assertEquals(List.of(), parsed.diagnostics());
        NftRuleset r = parsed.value();
        assertTrue(r.baseChains().size() >= 7, "base chains: " + r.baseChains().size());
        assertEquals(List.of(), r.nativeBaseChains());
        NftChain natInput = r.tables().stream().filter(t -> t.name().equals("nat")).findFirst().orElseThrow()
                .chain("INPUT").orElseThrow();
        assertEquals(OptionalInt.of(100), natInput.base().orElseThrow().priority());
    }

    @Test
    void everyTableIptablesNftMakesIsItsOwnAsTheKernelListedIt() throws IOException {
        // recorded: iptables-restore and ip6tables-restore (nf_tables, 1.8.9) of raw, mangle, nat, filter and security
        // with xt matches, then nft -a list ruleset, in a network namespace; security's chains are at priority 150
        Parsed<NftRuleset> parsed = NftRulesetParser.parse("all.txt", resource("iptables-nft-all-tables.txt"));
        assertEquals(List.of(), parsed.diagnostics());
        NftRuleset r = parsed.value();
        assertEquals(List.of("ip raw", "ip mangle", "ip nat", "ip filter", "ip security", "ip6 mangle", "ip6 nat"),
                r.tables().stream().map(NftTable::qualifiedName).toList());
        assertEquals(26, r.baseChains().size());
        assertEquals(List.of(), r.nativeBaseChains());
        NftTable security = r.tables().get(4);
        assertEquals(OptionalInt.of(150), security.chain("INPUT").orElseThrow().base().orElseThrow().priority());
        assertEquals("route", r.tables().get(1).chain("OUTPUT").orElseThrow().base().orElseThrow().type());
        assertEquals("xt match set counter packets 0 bytes 0 reject", r.tables().get(3).chain("FORWARD").orElseThrow()
                .rules().get(0).text());
        assertEquals(List.of("reject"), r.tables().get(3).chain("FORWARD").orElseThrow().rules().get(0).decisiveStatements());
    }

    @Test
    void firewalldIsNativeAndItsRejectsAreFoundThroughItsJumps() throws IOException {
        Parsed<NftRuleset> parsed = NftRulesetParser.parse("fw.txt", resource("firewalld-ruleset.txt"));
        assertEquals(List.of(), parsed.diagnostics());
        NftTable t = parsed.value().tables().get(0);
        assertEquals(NftFamily.INET, t.family());
        assertEquals("firewalld", t.name());
        List<NftHookedChain> natives = parsed.value().nativeBaseChains();
        assertEquals(List.of("mangle_PREROUTING -140", "nat_PREROUTING -90", "nat_POSTROUTING 110", "nat_OUTPUT -90",
                "filter_PREROUTING 10", "filter_INPUT 10", "filter_FORWARD 10", "filter_OUTPUT 10"),
                natives.stream().map(h -> h.chain().name() + " " + h.base().priority().getAsInt()).toList());
        NftHookedChain input = natives.get(5);
        assertTrue(input.canChangeVerdict());
        assertTrue(input.decisiveRules().stream().anyMatch(r -> r.text().equals("reject with icmpx admin-prohibited")));
        assertTrue(input.decisiveRules().stream().noneMatch(r -> r.text().equals("ct status dnat accept")),
                "ct status dnat is a match, not a NAT statement");
        assertTrue(input.reachableRuleCount() > input.chain().rules().size());
        NftHookedChain mangle = natives.get(0);
        assertFalse(mangle.canChangeVerdict(), "firewalld's mangle chains only jump to empty zone chains");
        NftChain forward = t.chain("filter_FORWARD").orElseThrow();
        assertTrue(forward.rules().get(4).text().contains("2002:e000::/19 } reject with icmpv6 addr-unreachable"));
        assertEquals(Optional.of(28L), forward.rules().get(4).handle());
    }

    @Test
    void kubeProxyNftablesModeWithMapsAndMultiLineVerdictMaps() throws IOException {
        Parsed<NftRuleset> parsed = NftRulesetParser.parse("kp.txt", resource("kube-proxy-nftables-ruleset.txt"));
        assertEquals(List.of(), parsed.diagnostics());
        NftTable t = parsed.value().tables().get(0);
        assertEquals("ip kube-proxy", t.qualifiedName());
        assertEquals(List.of("set cluster-ips 3", "set nodeport-ips 1", "map no-endpoint-services 1",
                "map no-endpoint-nodeports 0", "map firewall-ips 0", "map service-ips 2", "map service-nodeports 0"),
                t.sets().stream().map(s -> s.kind() + " " + s.name() + " " + s.elements()).toList());
        assertEquals(List.of("filter-prerouting -110", "filter-input -110", "filter-forward -110", "filter-output -110",
                "filter-output-post-dnat -90", "nat-prerouting -100", "nat-output -100", "nat-postrouting 100"),
                parsed.value().nativeBaseChains().stream()
                        .map(h -> h.chain().name() + " " + h.base().priority().getAsInt()).toList());
        NftChain dns = t.chain("service-FY5PMXPG-kube-system/kube-dns/udp/dns").orElseThrow();
        assertEquals(2, dns.rules().size(), "the verdict map over four lines is one rule");
        NftRule vmap = dns.rules().get(1);
        assertEquals(List.of("endpoint-IZ7DRFQZ-kube-system/kube-dns/udp/dns__10.244.1.4/53",
                "endpoint-Q3YQJ3PS-kube-system/kube-dns/udp/dns__10.244.1.5/53"), vmap.jumpTargets());
        NftHookedChain forward = parsed.value().nativeBaseChains().get(2);
        assertEquals(List.of("reject", "drop", "reject"), forward.decisiveRules().stream()
                .flatMap(r -> r.decisiveStatements().stream()).toList(), "cluster-ips-check, then reject-chain through "
                + "the elements of @no-endpoint-services");
        NftHookedChain input = parsed.value().nativeBaseChains().get(1);
        assertTrue(input.canChangeVerdict(), "a service without endpoints is rejected through a named verdict map");
        assertFalse(parsed.value().nativeBaseChains().get(0).canChangeVerdict(), "@firewall-ips is empty");
        NftSet serviceIps = t.set("service-ips").orElseThrow();
        assertEquals(List.of("service-2QRHZV4L-default/kubernetes/tcp/https", "service-FY5PMXPG-kube-system/kube-dns/udp/dns"),
                serviceIps.jumpTargets());
        assertEquals(List.of("dnat", "dnat", "dnat"), parsed.value().nativeBaseChains().get(5).decisiveRules().stream()
                .flatMap(r -> r.decisiveStatements().stream()).toList(), "nat-prerouting reaches every endpoint's dnat");
        assertTrue(parsed.value().nativeBaseChains().get(7).canChangeVerdict(), "a nat chain");
    }

    @Test
    void brokenStructureIsReportedWithFileLineAndExpectationAndTheRestIsRead() throws IOException {
        Parsed<NftRuleset> parsed = NftRulesetParser.parse("broken.txt", resource("broken-ruleset.txt"));
        List<String> heads = parsed.diagnostics().stream().map(Diagnostic::headline).toList();
        assertEquals(List.of(
                "broken.txt:1: error[NFT_OUTSIDE_TABLE]: chain outside a table (expected: table FAMILY NAME { before it)",
                "broken.txt:11: error[NFT_FAMILY]: unknown table family 'banana'; the table is not read (expected: ip, "
                        + "ip6, inet, arp, bridge or netdev)",
                "broken.txt:16: error[NFT_BRACES]: '}' closes nothing (expected: table FAMILY NAME {)",
                "broken.txt:22: error[NFT_BRACES]: table netdev edge (line 17) is not closed before the next table "
                        + "(expected: '}' closing it)",
                "broken.txt:24: warning[NFT_PRIORITY]: chain output: priority 'wobble' is not a number or a known name "
                        + "(expected: a number, or raw, mangle, dstnat, filter, security, srcnat (bridge: dstnat, "
                        + "filter, out, srcnat), optionally + or - a number)"), heads);
        NftRuleset r = parsed.value();
        assertEquals(List.of("inet ok", "netdev edge", "ip6 late"), r.tables().stream().map(NftTable::qualifiedName).toList());
        NftChain input = r.tables().get(0).chain("input").orElseThrow();
        assertEquals("drop", input.base().orElseThrow().policy());
        assertEquals(2, input.rules().size());
        assertEquals("some future syntax nft does not have yet ! @ %", input.rules().get(1).text());
        assertEquals(8, input.rules().get(1).line());
        NftBaseChain ingress = r.tables().get(1).chain("ingress").orElseThrow().base().orElseThrow();
        assertEquals(Optional.of("eth0"), ingress.device());
        assertEquals(OptionalInt.of(-500), ingress.priority());
        assertEquals(OptionalInt.empty(), r.tables().get(2).chain("output").orElseThrow().base().orElseThrow().priority());
    }

    @Test
    void anUnclosedTableIsAnErrorAtItsLine() {
        Parsed<NftRuleset> parsed = NftRulesetParser.parse("cut.txt", "table inet t {\n\tchain c {\n\t\ttype filter hook "
                + "input priority 0; policy drop;\n\t\tdrop\n");
        assertEquals(List.of("cut.txt:2: error[NFT_BRACES]: chain c is not closed at the end of the file (expected: '}')",
                "cut.txt:1: error[NFT_BRACES]: table inet t is not closed at the end of the file (expected: '}')"),
                parsed.diagnostics().stream().map(Diagnostic::headline).toList());
        assertEquals(1, parsed.value().nativeBaseChains().size());
    }

    @Test
    void prioritiesByNameNumberAndOffsetPerFamily() {
        assertEquals(OptionalInt.of(-300), NftPriority.resolve("raw", NftFamily.IP));
        assertEquals(OptionalInt.of(-150), NftPriority.resolve("mangle", NftFamily.INET));
        assertEquals(OptionalInt.of(-105), NftPriority.resolve("dstnat - 5", NftFamily.IP6));
        assertEquals(OptionalInt.of(50), NftPriority.resolve("security", NftFamily.IP));
        assertEquals(OptionalInt.of(110), NftPriority.resolve("srcnat + 10", NftFamily.INET));
        assertEquals(OptionalInt.of(-300), NftPriority.resolve("dstnat", NftFamily.BRIDGE));
        assertEquals(OptionalInt.of(-200), NftPriority.resolve("filter", NftFamily.BRIDGE));
        assertEquals(OptionalInt.of(100), NftPriority.resolve("out", NftFamily.BRIDGE));
        assertEquals(OptionalInt.of(300), NftPriority.resolve("srcnat", NftFamily.BRIDGE));
        assertEquals(OptionalInt.of(-90), NftPriority.resolve("-90", NftFamily.IP));
        assertEquals(OptionalInt.empty(), NftPriority.resolve("out", NftFamily.IP));
    }

    @Test
    void aMovedPriorityOrALowerCaseChainInAnIptablesTableIsNative() {
        NftRuleset r = NftRulesetParser.parse("x", """
                table ip filter {
                	chain INPUT {
                		type filter hook input priority filter + 1; policy accept;
                	}
                	chain FORWARD {
                		type filter hook forward priority filter; policy drop;
                	}
                	chain output {
                		type filter hook output priority filter; policy accept;
                	}
                }
                table inet filter {
                	chain INPUT {
                		type filter hook input priority filter; policy accept;
                	}
                }
                """).value();
        assertEquals(List.of("ip filter INPUT", "ip filter output", "inet filter INPUT"),
                r.nativeBaseChains().stream().map(NftHookedChain::qualifiedName).toList());
    }

    @Test
    void aChainWrittenOnOneLineWithItsRulesIsReadStatementByStatement() {
        Parsed<NftRuleset> parsed = NftRulesetParser.parse("in.nft", "table ip kube-proxy {\n"
                + "\tchain filter-input { type filter hook input priority 0; policy accept; ct state new jump a; "
                + "ct state new jump b; }\n"
                + "\tchain masquerading { mark and 0x4000 == 0 return; mark set mark xor 0x4000; masquerade fully-random; }\n"
                + "\tchain e { ip saddr 10.0.0.0/8 goto s comment \"short-circuit; pod traffic\"; numgen random mod 2 vmap "
                + "{ 0 : goto a, 1 : goto b }; }\n}\n");
        assertEquals(List.of(), parsed.diagnostics());
        NftTable t = parsed.value().tables().get(0);
        NftChain input = t.chain("filter-input").orElseThrow();
        assertEquals("input", input.base().orElseThrow().hook());
        assertEquals(OptionalInt.of(0), input.base().get().priority());
        assertEquals("accept", input.base().get().policy());
        assertEquals(List.of("ct state new jump a", "ct state new jump b"), texts(input));
        assertEquals(List.of("mark and 0x4000 == 0 return", "mark set mark xor 0x4000", "masquerade fully-random"),
                texts(t.chain("masquerading").orElseThrow()));
        assertEquals(List.of("ip saddr 10.0.0.0/8 goto s comment \"short-circuit; pod traffic\"",
                "numgen random mod 2 vmap { 0 : goto a, 1 : goto b }"), texts(t.chain("e").orElseThrow()));
    }

    @Test
    void theRecordedNftInputOfKubeProxysLoadBalancersHasTheListingsChainsAndRules() throws IOException {
        Path bundle = BUNDLES.resolve("nft-kube-proxy-lb");
        Parsed<NftRuleset> input = NftRulesetParser.parse("nft-input.txt", Files.readString(bundle.resolve("nft-input.txt")));
        assertEquals(List.of(), input.diagnostics());
        NftTable loaded = input.value().tables().get(0);
        NftTable listed = recorded("nft-kube-proxy-lb").value().tables().stream()
                .filter(x -> x.qualifiedName().equals("ip kube-proxy")).findFirst().orElseThrow();
        assertEquals(listed.chains().size(), loaded.chains().size());
        for (NftChain c : listed.chains()) {
            NftChain l = loaded.chain(c.name()).orElseThrow(() -> new AssertionError(c.name()));
            assertEquals(c.rules().size(), l.rules().size(), c.name());
            assertEquals(c.base().map(b -> b.hook() + " " + b.priority() + " " + b.policy()),
                    l.base().map(b -> b.hook() + " " + b.priority() + " " + b.policy()), c.name());
        }
    }

    private static List<String> texts(NftChain c) {
        return c.rules().stream().map(NftRule::text).toList();
    }

    @Test
    void oddOneLinersAndTabsNeverThrow() {
        for (String text : List.of("table inet t {\n\tchain x { } }\n", "chain\tx {\n}\n", "table\tinet\tt {\n\tchain\tc {\n"
                + "\t\ttable\tip\tu {\n", "table ip t {\n\tset s { type ipv4_addr; elements = { 1.1.1.1, 2.2.2.2 } }\n}\n",
                "table ip t {\n\tchain c {\n\t\tdrop # handle 99999999999999999999999\n\t}\n}\n")) {
            Parsed<NftRuleset> parsed = NftRulesetParser.parse("odd.txt", text);
            assertTrue(parsed.value() != null, text);
        }
        NftTable t = NftRulesetParser.parse("odd.txt", "table ip t {\n\tset s { type ipv4_addr; elements = { 1.1.1.1, "
                + "2.2.2.2 } }\n}\n").value().tables().get(0);
        assertEquals(List.of(new NftSet("set", "s", 2, 2, List.of(), false, List.of("1.1.1.1", "2.2.2.2"))), t.sets());
    }
}
