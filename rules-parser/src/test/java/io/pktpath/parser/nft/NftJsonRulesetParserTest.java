package io.pktpath.parser.nft;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.iptables.RuleRenderer;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Table;
import io.pktpath.parser.net.IpFamily;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nft -j -a list ruleset} against {@code nft -a list ruleset} of the same state (nftables 1.0.6, kernel 6.18;
 * see json/README.md): the recorded nft bundles' rulesets and a ruleset of every rendered expression give the same
 * tables, chains, rules, sets and replay in both forms; bad JSON gives diagnostics with positions, never an exception.
 */
class NftJsonRulesetParserTest {
    private static final String[] PAIRS = {"nft-native-firewall", "nft-native-firewalld", "nft-native-forward",
            "nft-native-raw", "nft-kube-proxy", "nft-kube-proxy6", "nft-set-update", "nft-set-verdict", "coverage",
            "docker-nftables"};

    static String read(String name) {
        try (InputStream in = NftJsonRulesetParserTest.class.getResourceAsStream("json/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static NftRuleset text(String name) {
        Parsed<NftRuleset> p = NftRulesetParser.parse(name + ".txt", read(name + ".txt"));
        assertEquals(List.of(), p.diagnostics(), name);
        return p.value();
    }

    private static NftRuleset json(String file) {
        Parsed<NftRuleset> p = NftJsonRulesetParser.parse(file, read(file));
        assertEquals(List.of(), p.diagnostics(), file);
        return p.value();
    }

    /** Everything the model holds but lines. */
    static List<String> shape(NftRuleset r) {
        List<String> out = new ArrayList<>();
        for (NftTable t : r.tables()) {
            out.add("table " + t.qualifiedName());
            for (NftSet s : t.sets()) {
                out.add("  " + s.kind() + " " + s.name() + " " + s.elements() + " " + s.values() + " -> "
                        + s.jumpTargets() + (s.dropVerdict() ? " drop" : ""));
            }
            for (NftChain c : t.chains()) {
                out.add("  chain " + c.name() + " " + c.base());
                for (NftRule rule : c.rules()) {
                    out.add("    " + rule.text() + " #" + rule.handle().map(String::valueOf).orElse("-"));
                }
            }
        }
        return out;
    }

    /** The replayed chains, the refusals and every translated rule as iptables-save words, per family. */
    static List<String> replay(NftRuleset r) {
        NftNativeReplay replay = NftNativeReplay.of(r);
        List<String> out = new ArrayList<>();
        for (NftNativeReplay.ReplayedChain c : replay.chains()) {
            out.add("replayed " + c.chain().qualifiedName() + " " + c.hook() + " " + c.priority() + " " + c.families());
        }
        for (NftTable t : r.tables()) {
            for (NftChain c : t.chains()) {
                String q = t.qualifiedName() + " " + c.name();
                replay.refusal(q).ifPresent(why -> out.add("refused " + q + ": " + why.replaceAll("\\S+\\.(txt|json):\\d+(:\\d+)?",
                        "FILE:LINE")));
            }
        }
        for (IpFamily f : IpFamily.values()) {
            for (Table t : replay.ruleset(f).tables()) {
                for (Chain c : t.chains()) {
                    out.add(f + " " + t.name() + " " + c.name() + " " + c.policy());
                    c.rules().forEach(rule -> out.add("  " + RuleRenderer.render(rule) + " | " + rule.text()));
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"nft-native-firewall", "nft-native-firewalld", "nft-native-forward", "nft-native-raw",
            "nft-kube-proxy", "nft-kube-proxy6", "nft-set-update", "nft-set-verdict", "coverage", "coverage2",
            "docker-nftables"})
    void theJsonAndTheTextOfOneStateGiveTheSameModelAndReplay(String name) {
        NftRuleset text = text(name);
        NftRuleset json = json(name + ".json");
        // nft 1.0.6's JSON leaves a netdev chain's device out (the text prints device "lo"); an element's timeout and
        // expiry (whole seconds in the JSON, 59m59s992ms in the text) are not written
        List<String> textShape = shape(text).stream().map(l -> l.replace("device=Optional[lo]", "device=Optional.empty")
                .replaceAll(" timeout \\w+ expires \\w+", "")).toList();
        assertEquals(textShape, shape(json), name);
        assertEquals(replay(text), replay(json), name);
        assertFalse(text.tables().isEmpty());
    }

    @Test
    void theRecordedBundlesReplaySomethingInBothForms() {
        for (String name : PAIRS) {
            if (!name.equals("coverage")) {
                assertFalse(NftNativeReplay.of(json(name + ".json")).isEmpty(), name);
            }
        }
    }

    @Test
    void namedPrioritiesDevicesAndTypedValuesAreWrittenAsNftPrintsThem() {
        NftRuleset r = json("coverage.json");
        NftTable cov = r.tables().get(0);
        assertEquals("filter + 10", cov.chain("input").orElseThrow().base().orElseThrow().priorityText());
        assertEquals("dstnat", cov.chain("pre").orElseThrow().base().orElseThrow().priorityText());
        assertEquals(List.of("10.1.1.1 : 0x00000010"), cov.set("marks").orElseThrow().values());
        assertEquals(List.of("10.9.0.0/16", "192.168.1.10-192.168.1.20"), cov.set("ranges").orElseThrow().values());
        assertEquals(List.of("tcp . 22", "udp . 53"), cov.set("ports").orElseThrow().values());
        List<String> rules = cov.chain("input").orElseThrow().rules().stream().map(NftRule::text).toList();
        assertTrue(rules.contains("iifname \"lo\" accept"), rules.toString());
        assertTrue(rules.contains("meta mark & 0x0000ff00 == 0x00000100 accept"), rules.toString());
        assertTrue(cov.chain("raw").orElseThrow().rules().stream().anyMatch(x -> x.text().equals("fib saddr . iif oif missing drop")));
        List<String> extras = cov.chain("extras").orElseThrow().rules().stream().map(NftRule::text).toList();
        assertEquals(List.of("icmp type echo-request limit rate 5/second accept",
                "icmp type echo-request limit rate over 10/minute burst 20 packets drop", "meta skuid 1000 accept",
                "tcp flags syn / syn,ack counter packets 0 bytes 0", "meta mark set ip saddr map @marks",
                "ct mark set meta mark", "ip daddr @ranges drop", "udp sport < 1024 drop",
                "meta l4proto . th dport @ports accept"), extras);
        assertEquals("filter - 5", cov.chain("extras").orElseThrow().base().orElseThrow().priorityText());
        assertEquals("-100", cov.chain("extranat").orElseThrow().base().orElseThrow().priorityText());
        // netdev's priority stays a number; nft 1.0.6's JSON leaves the device out of the hook
        assertEquals("-500", r.tables().get(1).chains().get(0).base().orElseThrow().priorityText());
    }

    @Test
    void theCoverageRulesetReplaysItsInputPreRawAndPostChainsAndRefusesTheRestWithReasons() {
        List<String> replay = replay(json("coverage.json"));
        assertEquals(List.of("replayed inet pkp_cov input input 10 [V4, V6]",
                "replayed inet pkp_cov pre prerouting -100 [V4, V6]", "replayed inet pkp_cov raw prerouting -300 [V4, V6]",
                "replayed inet pkp_cov post postrouting 100 [V4, V6]"), replay.stream().filter(l -> l.startsWith("replayed"))
                .map(l -> l.replace("[V6, V4]", "[V4, V6]")).toList());
        // its two limit rules and the socket owner test (-m owner --uid-owner 1000) are replayed: the chain is refused
        // at its fourth rule
        assertTrue(replay.stream().anyMatch(l -> l.startsWith("refused inet pkp_cov extras: rule at FILE:LINE (`tcp flags "
                + "syn / syn,ack counter packets 0 bytes 0`) in chain extras: 'tcp flags syn' is not in the replayed")),
                replay.toString());
        assertTrue(replay.contains("  -A input -p tcp -m tcp --dport 8080 -j web | tcp dport vmap @portmap"));
        assertTrue(replay.contains("  -A raw -m rpfilter --invert -j DROP | fib saddr . iif oif missing drop"));
    }

    @Test
    void modelLinesAreTheLinesOfTheJsonObjects() {
        String pretty = read("nft-native-firewall-pretty.json");
        NftRuleset r = json("nft-native-firewall-pretty.json");
        assertEquals(shape(text("nft-native-firewall")), shape(r));
        NftTable fw = r.tables().stream().filter(t -> t.name().equals("pkp_fw")).findFirst().orElseThrow();
        NftRule first = fw.chain("input").orElseThrow().rules().get(0);
        String[] lines = pretty.split("\n");
        assertTrue(lines[first.line() - 1].contains("\"rule\""), lines[first.line() - 1] + " / " + first.line());
        assertTrue(lines[fw.line() - 1].contains("\"table\""));
        // nft -j prints one line: every object is on line 1
        assertEquals(1, json("nft-native-firewall.json").tables().get(0).chains().get(0).line());
    }

    @ParameterizedTest
    @ValueSource(strings = {"nft-native-firewall", "nft-native-firewalld", "nft-native-forward", "nft-native-raw",
            "nft-kube-proxy", "nft-kube-proxy6", "nft-set-update", "nft-set-verdict", "coverage", "coverage2",
            "docker-nftables"})
    void onOneLineEveryChainAndRuleIsFoundByItsColumn(String name) {
        String text = read(name + ".json");
        NftRuleset r = json(name + ".json");
        int rules = 0;
        for (NftTable t : r.tables()) {
            for (NftChain c : t.chains()) {
                assertEquals(1, c.line(), c.name());
                // the column is where the chain's own object starts, inside {"chain": ...}
                String chainAt = text.substring(c.column() - 1);
                assertTrue(text.substring(0, c.column() - 1).matches("(?s).*\\{\\s*\"chain\"\\s*:\\s*")
                        && chainAt.startsWith("{"), name + " " + c.name() + ": " + head(chainAt));
                assertTrue(chainAt.substring(0, chainAt.indexOf('}')).contains("\"name\": \"" + c.name() + "\""),
                        name + " " + c.name() + ": " + head(chainAt));
                int previous = 0;
                for (NftRule rule : c.rules()) {
                    String ruleAt = text.substring(rule.column() - 1);
                    assertTrue(text.substring(0, rule.column() - 1).matches("(?s).*\\{\\s*\"rule\"\\s*:\\s*")
                            && ruleAt.startsWith("{"), name + " " + rule.text() + ": " + head(ruleAt));
                    // the rule object names its chain and handle before its expressions
                    String opening = ruleAt.substring(0, ruleAt.indexOf("\"expr\""));
                    assertTrue(opening.contains("\"chain\": \"" + c.name() + "\""), head(ruleAt));
                    rule.handle().ifPresent(h -> assertTrue(opening.contains("\"handle\": " + h), head(ruleAt)));
                    assertTrue(rule.column() > previous, rule.text());
                    assertEquals("FILE:1:" + rule.column(), rule.at("FILE"));
                    previous = rule.column();
                    rules++;
                }
            }
        }
        assertTrue(rules > 0, name);
    }

    private static String head(String s) {
        return s.substring(0, Math.min(120, s.length()));
    }

    @Test
    void setStatementsAreWrittenAsNftPrintsThemAndReplayedFromTheJson() {
        NftTable t = json("nft-set-update.json").tables().get(0);
        assertEquals(List.of("ct state established,related accept",
                "tcp dport 7001 add @knocked { ip saddr timeout 5s }",
                "tcp dport 7002 update @knocked { ip saddr timeout 5s }",
                "tcp dport 7009 delete @knocked { ip saddr }",
                "tcp dport 7000-7009 counter packets 0 bytes 0 drop",
                "tcp dport 2222 ip saddr @knocked counter packets 0 bytes 0 accept",
                "tcp dport 2222 counter packets 0 bytes 0 drop"),
                t.chains().get(0).rules().stream().map(NftRule::text).toList());
        assertEquals("60s", t.sets().get(0).declarations().get("timeout"));
        NftNativeReplay replay = NftNativeReplay.of(json("nft-set-update.json"));
        assertEquals(List.of("inet:pkp_ks:knocked 60"), replay.ipsets().stream()
                .map(s -> s.name() + " " + s.options().get("timeout")).toList());
        // nft 1.0.6 -j: add @knocked { ip saddr limit rate 10/second } keeps its limit in "stmt"; a meter (as nft 1.0.6
        // -j listed `udp dport 53 meter dnsflood size 128 { ip saddr timeout 10s limit rate over 5/second } drop`)
        // is a statement of its own with its key, statement, size and name
        Parsed<NftRuleset> meter = NftJsonRulesetParser.parse("m.json", """
                {"nftables": [{"table": {"family": "inet", "name": "t"}},
                 {"set": {"family": "inet", "name": "knocked", "table": "t", "type": "ipv4_addr", "handle": 2,
                  "size": 65535, "flags": ["timeout"], "timeout": 60}},
                 {"set": {"family": "inet", "name": "conns", "table": "t", "type": "ipv4_addr"}},
                 {"chain": {"family": "inet", "table": "t", "name": "in", "type": "filter", "hook": "input", "prio": 0,
                  "policy": "accept"}},
                 {"rule": {"family": "inet", "table": "t", "chain": "in", "expr": [
                  {"set": {"op": "add", "elem": {"payload": {"protocol": "ip", "field": "saddr"}}, "set": "@knocked",
                   "stmt": [{"limit": {"rate": 10, "burst": 5, "per": "second"}}]}}]}},
                 {"rule": {"family": "inet", "table": "t", "chain": "in", "expr": [
                  {"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}}, "right": 53}},
                  {"meter": {"key": {"elem": {"val": {"payload": {"protocol": "ip", "field": "saddr"}}, "timeout": 10}},
                   "stmt": {"limit": {"rate": 5, "burst": 5, "per": "second", "inv": true}}, "size": 128,
                   "name": "dnsflood"}}, {"drop": null}]}},
                 {"rule": {"family": "inet", "table": "t", "chain": "in", "expr": [
                  {"set": {"op": "update", "elem": {"payload": {"protocol": "ip", "field": "saddr"}}, "set": "@conns",
                   "stmt": [{"ct count": {"val": 2, "inv": true}}]}}, {"drop": null}]}}]}
                """);
        assertEquals(List.of(), meter.diagnostics());
        assertEquals(List.of("add @knocked { ip saddr limit rate 10/second }",
                "udp dport 53 meter dnsflood size 128 { ip saddr timeout 10s limit rate over 5/second } drop",
                "update @conns { ip saddr ct count over 2 } drop"),
                meter.value().tables().get(0).chains().get(0).rules().stream().map(NftRule::text).toList());
        assertEquals("65535", meter.value().tables().get(0).sets().get(0).declarations().get("size"));
        assertEquals(Optional.empty(), NftNativeReplay.of(meter.value()).refusal("inet t in"));
    }

    @Test
    void aSetOrMarkStatementBeforeAVerdictIsWrittenAsNftPrintsItAndReplayedAsOneRule() {
        NftChain input = json("nft-set-verdict.json").tables().get(0).chains().stream()
                .filter(c -> c.name().equals("input")).findFirst().orElseThrow();
        assertEquals(List.of("ct state established,related accept",
                "tcp dport 7000 counter packets 0 bytes 0 add @blocked { ip saddr timeout 10s } drop",
                "ip saddr @blocked counter packets 0 bytes 0 update @blocked { ip saddr timeout 30s } drop",
                "tcp dport 8080 ct state new counter packets 0 bytes 0 add @seen { ip saddr } accept",
                "tcp dport 9090 counter packets 0 bytes 0 delete @seen { ip saddr } reject with icmp port-unreachable",
                "tcp dport 9092 counter packets 0 bytes 0 meta mark set 0x0000002a jump marked",
                "tcp dport 9091 ip saddr @seen counter packets 0 bytes 0 accept",
                "tcp dport 9091 counter packets 0 bytes 0 drop"), input.rules().stream().map(NftRule::text).toList());
        List<String> rules = new ArrayList<>();
        String section = "";
        for (String line : replay(json("nft-set-verdict.json"))) {
            if (!line.startsWith("  ")) {
                section = line;
            } else if (section.startsWith("V4 inet pkp_sv input ")) {
                rules.add(line);
            }
        }
        assertEquals(8, rules.size(), "one IPv4 iptables rule per nft rule: " + rules);
        assertTrue(rules.get(3).startsWith("  -A input -p tcp -m tcp --dport 8080 -m conntrack --ctstate NEW -m nft"
                + " \"add @seen { ip saddr }\" -j ACCEPT | "), "a set with a size (65535): the add is the rule's last"
                + " match, its verdict taken only when the element is there or created: " + rules.get(3));
        assertTrue(rules.get(5).startsWith("  -A input -p tcp -m tcp --dport 9092 -j MARK --set-xmark 0x2a/0xffffffff"
                + " -j marked | "), rules.get(5));
    }

    @Test
    void anUnknownStatementIsReportedAndItsChainIsNotReplayedWithTheReason() {
        String doc = """
                {"nftables": [{"table": {"family": "inet", "name": "t", "handle": 1}},
                 {"chain": {"family": "inet", "table": "t", "name": "in", "handle": 1, "type": "filter",
                  "hook": "input", "prio": 0, "policy": "drop"}},
                 {"rule": {"family": "inet", "table": "t", "chain": "in", "handle": 2, "expr": [
                  {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 22}},
                  {"synproxy": {"mss": 1460, "wscale": 7}}, {"accept": null}]}},
                 {"rule": {"family": "inet", "table": "t", "chain": "in", "handle": 3, "expr": [
                  {"match": {"op": "==", "left": {"osf": {"key": "name"}}, "right": "Linux"}}, {"drop": null}]}}]}
                """;
        Parsed<NftRuleset> p = NftJsonRulesetParser.parse("ruleset.json", doc);
        List<String> heads = p.diagnostics().stream().map(Diagnostic::headline).toList();
        assertEquals(List.of("ruleset.json:6:3: warning[NFT_JSON_UNREAD]: statement 'synproxy' is not rendered"
                        + " (expected: match, counter, log, limit, quota, ct count, reject, accept, drop, return, jump,"
                        + " goto, vmap, dnat, snat, masquerade, redirect, mangle, notrack, set, meter or xt)",
                "ruleset.json:8:34: warning[NFT_JSON_UNREAD]: expression 'osf' is not rendered (expected: payload,"
                        + " meta, ct, fib, numgen, concat, a binary operation (&, |, ^, <<, >>), a map lookup or a"
                        + " value)"), heads);
        List<NftRule> rules = p.value().tables().get(0).chains().get(0).rules();
        assertEquals(List.of("tcp dport 22 unrendered-synproxy accept", "unrendered-match drop"),
                rules.stream().map(NftRule::text).toList());
        assertEquals(Optional.of(2L), rules.get(0).handle());
        NftNativeReplay replay = NftNativeReplay.of(p.value());
        assertTrue(replay.isEmpty());
        String why = replay.refusal("inet t in").orElseThrow();
        assertTrue(why.contains("unrendered-synproxy"), why);
    }

    @Test
    void iptablesNftCompatExpressionsAreReadByNameWithOneNotePerTable() {
        NftRuleset text = text("iptables-nft");
        Parsed<NftRuleset> p = NftJsonRulesetParser.parse("iptables-nft.json", read("iptables-nft.json"));
        assertEquals(List.of("note NFT_JSON_XT table ip filter: 8 iptables-nft compat expressions (xt), which nft -j names"
                        + " without their parameters; read as 'xt match|target NAME' (iptables-save gives the rules)",
                "note NFT_JSON_XT table ip nat: 5", "note NFT_JSON_XT table ip mangle: 1", "note NFT_JSON_XT table ip raw: 1",
                "note NFT_JSON_XT table ip6 filter: 1"), p.diagnostics().stream().map(d -> d.severity().word() + " "
                + d.code() + " " + (d.message().contains("filter: 8") ? d.message() : d.message().replaceAll(" iptables.*",
                ""))).toList());
        List<String> textShape = shape(text);
        List<String> jsonShape = shape(p.value());
        assertEquals(textShape.size(), jsonShape.size());
        int compat = 0;
        for (int i = 0; i < textShape.size(); i++) {
            if (jsonShape.get(i).contains("xt match ") || jsonShape.get(i).contains("xt target ")) {
                compat++;
            } else {
                assertEquals(textShape.get(i), jsonShape.get(i));
            }
        }
        assertEquals(14, compat, "rules with an xt expression");
        assertTrue(jsonShape.contains("    xt match conntrack counter packets 0 bytes 0 accept #5"), jsonShape.toString());
        assertTrue(jsonShape.contains("    xt match recent counter packets 0 bytes 0 drop #9"), jsonShape.toString());
        // iptables-nft's own chains are iptables-save's to replay in both forms
        assertEquals(replay(text), replay(p.value()));
    }

    @Test
    void aCompatExpressionInANativeTableIsAWarningAndRefusesItsChain() {
        Parsed<NftRuleset> p = NftJsonRulesetParser.parse("r.json", """
                {"nftables": [{"table": {"family": "inet", "name": "t"}},
                 {"chain": {"family": "inet", "table": "t", "name": "in", "type": "filter", "hook": "input", "prio": 0,
                  "policy": "accept"}},
                 {"rule": {"family": "inet", "table": "t", "chain": "in", "expr": [
                  {"xt": {"type": "match", "name": "recent"}}, {"drop": null}]}}]}
                """);
        assertEquals(List.of("r.json:5:3: warning[NFT_JSON_XT]: table inet t: 1 iptables-nft compat expression (xt), which"
                + " nft -j names without their parameters; read as 'xt match|target NAME'; its chains are not replayed"
                + " (expected: nft list ruleset (text) for these rules)"), p.diagnostics().stream().map(Diagnostic::headline)
                .toList());
        NftNativeReplay replay = NftNativeReplay.of(p.value());
        assertTrue(replay.isEmpty());
        assertTrue(replay.refusal("inet t in").orElseThrow().contains("xt match recent"));
    }

    @Test
    void aQuoteOrBraceInACommentDoesNotSwallowTheRulesAfterIt() {
        Parsed<NftRuleset> p = NftJsonRulesetParser.parse("r.json", """
                {"nftables": [{"table": {"family": "ip", "name": "t"}}, {"chain": {"family": "ip", "table": "t", "name": "c"}},
                 {"rule": {"family": "ip", "table": "t", "chain": "c", "comment": "a \\"b{ c\\nd", "expr": [{"accept": null}]}},
                 {"rule": {"family": "ip", "table": "t", "chain": "c", "expr": [{"drop": null}]}}]}
                """);
        assertEquals(List.of(), p.diagnostics());
        assertEquals(List.of("table ip t", "  chain c Optional.empty", "    accept comment \"a 'b{ c d\" #-", "    drop #-"),
                shape(p.value()));
    }

    @Test
    void badJsonIsOneDiagnosticWithItsPosition() {
        Parsed<NftRuleset> p = NftJsonRulesetParser.parse("r.json", "{\"nftables\": [\n{\"table\": {\"family\": \"ip\",}}]}");
        assertEquals(1, p.diagnostics().size());
        Diagnostic d = p.diagnostics().get(0);
        assertTrue(d.isError());
        assertEquals("r.json", d.span().file());
        assertEquals(2, d.span().line());
        assertTrue(d.span().column() > 1, d.headline());
        assertTrue(p.value().tables().isEmpty());
    }

    @Test
    void aDocumentOfAnotherShapeAndMisplacedObjectsAreNamed() {
        Parsed<NftRuleset> notNft = NftJsonRulesetParser.parse("r.json", "[{\"priority\": 0}]");
        assertEquals("r.json:1:1: error[NFT_JSON]: not an nft -j document (expected: {\"nftables\": [ ... ]})",
                notNft.diagnostics().get(0).headline());
        Parsed<NftRuleset> p = NftJsonRulesetParser.parse("r.json", """
                {"nftables": [
                 {"table": {"family": "decnet", "name": "x"}},
                 {"chain": {"family": "ip", "table": "nope", "name": "c"}},
                 {"table": {"family": "ip", "name": "t"}},
                 {"rule": {"family": "ip", "table": "t", "chain": "c", "expr": [{"accept": null}]}},
                 {"chain": {"family": "ip", "table": "t", "name": "c"}},
                 {"rule": {"family": "ip", "table": "t", "chain": "c", "expr": [{"accept": null}]}},
                 {"flowtable": {"family": "ip", "table": "t", "name": "f"}},
                 17
                ]}
                """);
        List<String> where = p.diagnostics().stream().map(d -> d.span().line() + ":" + d.span().column() + " "
                + d.message()).toList();
        assertEquals(List.of("2:23 unknown table family 'decnet'; the table is not read",
                "3:12 chain of table ip nope, which no table object before it declares",
                "5:11 rule of chain c, which no chain object of table ip t before it declares",
                "9:2 nftables item is not an object with one member"), where);
        assertEquals(List.of("table ip t", "  chain c Optional.empty", "    accept #-"), shape(p.value()));
    }

    @Test
    void eitherFormIsReadByContent() {
        assertTrue(NftJsonRulesetParser.isJson("\n  {\"nftables\": []}"));
        assertFalse(NftJsonRulesetParser.isJson("table inet t {\n}\n"));
        assertEquals(shape(text("nft-native-raw")), shape(NftJsonRulesetParser.parseEither("x",
                read("nft-native-raw.json")).value()));
        assertEquals(shape(text("nft-native-raw")), shape(NftJsonRulesetParser.parseEither("x",
                read("nft-native-raw.txt")).value()));
    }
}
