package io.pktpath.parser.linklayer;

import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import io.pktpath.parser.bundle.ContentSniffer;
import io.pktpath.parser.bundle.InputKind;
import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ebtables and arptables outputs recorded from iptables 1.8.9's nf_tables tools (resources' README says how). */
class LinkLayerRulesParserTest {
    @TempDir
    Path dir;

    private static String resource(String name) throws IOException {
        try (InputStream in = LinkLayerRulesParserTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Parsed<LinkLayerRules> parse(LinkLayerTool tool, String name) throws IOException {
        return LinkLayerRulesParser.parse(tool, name, resource(name));
    }

    /** Each chain as {@code table chain policy: rule | rule}. */
    private static List<String> shape(LinkLayerRules r, String table) {
        return r.chains().stream().filter(c -> c.table().equals(table)).map(c -> c.qualifiedName() + " " + c.policy() + ": "
                + String.join(" | ", c.rules().stream().map(LinkLayerRule::text).toList())).toList();
    }

    @Test
    void ebtablesSaveGivesTablesChainsPoliciesAndRulesInOrder() throws IOException {
        Parsed<LinkLayerRules> p = parse(LinkLayerTool.EBTABLES, "ebtables-save.txt");
        assertEquals(List.of(), p.diagnostics());
        LinkLayerRules r = p.value();
        assertEquals(List.of("filter INPUT", "filter FORWARD", "filter OUTPUT", "filter PVE-guest", "nat PREROUTING",
                "nat OUTPUT", "nat POSTROUTING"), r.chains().stream().map(LinkLayerChain::qualifiedName).toList());
        LinkLayerChain forward = r.chains().get(1);
        assertTrue(forward.builtin());
        assertEquals(9, forward.rules().size());
        LinkLayerRule first = forward.rules().get(0);
        assertEquals(new LinkLayerRule(1, "-p IPv4 -i veth1 --ip-src ! 10.0.0.2 -j DROP", "DROP", 8), first);
        assertEquals("mark", forward.rules().get(6).target());
        assertEquals("DROP", r.chains().get(2).policy());
        LinkLayerChain guest = r.chains().get(3);
        assertEquals(false, guest.builtin());
        assertEquals("RETURN", guest.policy());
        assertEquals(Set.of("PVE-guest"), r.userChains("filter"));
        assertEquals(13, r.ruleCount());
        assertEquals("dnat", r.chains().get(4).rules().get(0).target());
    }

    @Test
    void everyFormOfTheSameRulesReadsAlike() throws IOException {
        List<String> saved = shape(parse(LinkLayerTool.EBTABLES, "ebtables-save.txt").value(), "filter");
        for (String other : List.of("ebtables-save-c.txt", "ebtables-L.txt", "ebtables-L-Ln-Lc.txt")) {
            Parsed<LinkLayerRules> p = parse(LinkLayerTool.EBTABLES, other);
            assertEquals(List.of(), p.diagnostics(), other);
            assertEquals(saved, shape(p.value(), "filter"), other);
        }
        assertEquals(shape(parse(LinkLayerTool.EBTABLES, "ebtables-save.txt").value(), "nat"),
                shape(parse(LinkLayerTool.EBTABLES, "ebtables-nat-Lc.txt").value(), "nat"));
        LinkLayerRules arpSaved = parse(LinkLayerTool.ARPTABLES, "arptables-save.txt").value();
        LinkLayerRules arpListed = parse(LinkLayerTool.ARPTABLES, "arptables-L.txt").value();
        assertEquals(List.of("filter INPUT ACCEPT: -j DROP -s 10.0.0.5", "filter OUTPUT ACCEPT: "), shape(arpSaved, "filter"));
        assertEquals(shape(arpSaved, "filter"), shape(arpListed, "filter"));
        assertEquals("DROP", arpListed.chains().get(0).rules().get(0).target());
    }

    @Test
    void whatEachRuleDoesToAFrame() throws IOException {
        LinkLayerRules r = parse(LinkLayerTool.EBTABLES, "ebtables-save.txt").value();
        Set<String> user = r.userChains("filter");
        List<String> forward = r.chains().get(1).rules().stream().map(x -> x.effect(LinkLayerTool.EBTABLES, "filter", user))
                .toList();
        assertEquals(List.of("drops", "drops", "drops", "", "drops", "", "sets marks", "", ""), forward);
        assertEquals("", r.chains().get(0).rules().get(0).effect(LinkLayerTool.EBTABLES, "filter", user),
                "a jump to a user chain: its own rules say what they do");
        assertEquals("rewrites MAC addresses", r.chains().get(6).rules().get(0).effect(LinkLayerTool.EBTABLES, "nat",
                r.userChains("nat")));
        LinkLayerRule brouteDrop = new LinkLayerRule(1, "-p IPv4 --ip-dst 10.9.9.9 -j DROP", "DROP", 3);
        assertEquals("routes instead of bridging", brouteDrop.effect(LinkLayerTool.EBTABLES, "broute", Set.of()));
        assertEquals("drops", brouteDrop.effect(LinkLayerTool.ARPTABLES, "filter", Set.of()));
        assertEquals("applies target among-x", new LinkLayerRule(1, "-j among-x", "among-x", 1)
                .effect(LinkLayerTool.EBTABLES, "filter", Set.of()));
    }

    @Test
    void badLinesAreNamedAndNothingElseIsLost() {
        Parsed<LinkLayerRules> p = LinkLayerRulesParser.parse(LinkLayerTool.EBTABLES, "eb.txt", """
                *filter
                :INPUT ACCEPT
                -A INPUT -i veth1 -j DROP
                this is not a rule
                -A FORWARD -p ARP -j DROP
                -A INPUT -p IPv4 -j ACCEPT
                """);
        List<Diagnostic> d = p.diagnostics();
        assertEquals(2, d.size(), d.toString());
        assertEquals(4, d.get(0).span().line());
        assertTrue(d.get(0).message().contains("'this is not a rule' is not a line of ebtables output"), d.get(0).message());
        assertEquals(5, d.get(1).span().line());
        assertTrue(d.get(1).message().contains("chain FORWARD of table filter was not declared"), d.get(1).message());
        LinkLayerRules r = p.value();
        assertEquals(List.of("filter INPUT ACCEPT: -i veth1 -j DROP | -p IPv4 -j ACCEPT", "filter FORWARD ACCEPT: -p ARP -j DROP"),
                shape(r, "filter"));
    }

    @Test
    void aListingCutShortOfItsEntriesIsWarned() throws IOException {
        String listed = resource("ebtables-L.txt");
        String cut = listed.substring(0, listed.indexOf("--log-level"));
        Parsed<LinkLayerRules> p = LinkLayerRulesParser.parse(LinkLayerTool.EBTABLES, "cut.txt", cut);
        assertEquals(1, p.diagnostics().size(), p.diagnostics().toString());
        assertTrue(p.diagnostics().get(0).message().contains("FORWARD says entries: 9 but 7 rule(s) follow it"),
                p.diagnostics().get(0).message());
        assertEquals(7, p.value().chains().get(1).rules().size());
    }

    @Test
    void mergingFilesTakesEachTableOnceFromTheFileWithMostRules() throws IOException {
        LinkLayerRules listedFilter = parse(LinkLayerTool.EBTABLES, "ebtables-L.txt").value();
        LinkLayerRules listedNat = parse(LinkLayerTool.EBTABLES, "ebtables-nat-Lc.txt").value();
        LinkLayerRules saved = parse(LinkLayerTool.EBTABLES, "ebtables-save.txt").value();
        LinkLayerRules merged = LinkLayerRules.merge(LinkLayerTool.EBTABLES, List.of(listedFilter, listedNat, saved));
        assertEquals(13, merged.ruleCount());
        assertEquals(List.of("ebtables-L.txt", "ebtables-nat-Lc.txt"), merged.chains().stream().map(LinkLayerChain::file)
                .distinct().toList());
    }

    @Test
    void recognizedByContentAndNeverTakenForIptables() throws IOException {
        for (String name : List.of("ebtables-save.txt", "ebtables-save-c.txt", "ebtables-L.txt", "ebtables-L-Ln-Lc.txt",
                "ebtables-nat-Lc.txt")) {
            assertEquals(Optional.of(InputKind.EBTABLES), kind(resource(name)), name);
        }
        for (String name : List.of("arptables-save.txt", "arptables-L.txt")) {
            assertEquals(Optional.of(InputKind.ARPTABLES), kind(resource(name)), name);
        }
        String withoutHeader = resource("ebtables-save.txt").replaceAll("(?m)^#.*\n", "");
        assertEquals(Optional.of(InputKind.EBTABLES), kind(withoutHeader));
        assertEquals(Optional.of(InputKind.ARPTABLES), kind("*filter\n:INPUT ACCEPT\n:OUTPUT ACCEPT\n"
                + "-A INPUT -j DROP --opcode 1\n"));
        assertEquals(Optional.of(InputKind.IPTABLES_SAVE), kind("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j DROP\nCOMMIT\n"));
        String missing = resource("ebtables-broute-missing.txt");
        assertEquals(Optional.empty(), kind(missing));
        assertTrue(ContentSniffer.recognize(new byte[0], missing).reason().startsWith("ebtables output without rules: "));
        assertTrue(ContentSniffer.recognize(new byte[0], resource("ebtables-legacy-no-module.txt")).reason()
                .startsWith("ebtables output without rules: 'The kernel doesn't support"));
    }

    private static Optional<InputKind> kind(String text) {
        return ContentSniffer.recognize(text.getBytes(StandardCharsets.UTF_8), text).kind();
    }

    @Test
    void aBundleHoldsEachToolsRulesWithoutParseErrors() throws IOException {
        Files.writeString(dir.resolve("iptables-save"), "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n"
                + ":OUTPUT ACCEPT [0:0]\nCOMMIT\n");
        Files.createDirectories(dir.resolve("sos_commands/networking"));
        Files.writeString(dir.resolve("sos_commands/networking/ebtables_-t_filter_-L"), resource("ebtables-L.txt"));
        Files.writeString(dir.resolve("sos_commands/networking/ebtables_-t_nat_-L"), resource("ebtables-nat-Lc.txt"));
        Files.writeString(dir.resolve("sos_commands/networking/ebtables_-t_broute_-L"), resource("ebtables-broute-missing.txt"));
        Files.writeString(dir.resolve("arptables-save.txt"), resource("arptables-save.txt"));
        Bundle b = BundleLoader.loadDirectory(dir);
        assertEquals(List.of(), b.diagnostics());
        assertEquals(13, b.linkLayer(LinkLayerTool.EBTABLES).orElseThrow().ruleCount());
        assertEquals(1, b.linkLayer(LinkLayerTool.ARPTABLES).orElseThrow().ruleCount());
        List<String> lines = b.inventory().lines();
        assertTrue(lines.contains("found sos_commands/networking/ebtables_-t_filter_-L: ebtables (bridge rules, not replayed)"),
                lines.toString());
        assertTrue(lines.contains("found arptables-save.txt: arptables (ARP rules, not replayed)"), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("ignored sos_commands/networking/ebtables_-t_broute_-L: "
                + "ebtables output without rules")), lines.toString());
    }
}
