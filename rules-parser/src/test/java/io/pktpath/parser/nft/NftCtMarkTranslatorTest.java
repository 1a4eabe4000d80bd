package io.pktpath.parser.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.iptables.RuleRenderer;
import io.pktpath.parser.iptables.match.ConnmarkMatch;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.target.Accept;
import io.pktpath.parser.iptables.target.Connmark;
import io.pktpath.parser.iptables.target.MarkOp;
import io.pktpath.parser.iptables.target.StatementVerdict;
import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * nft's conntrack mark ({@code ct mark} tests, {@code ct mark set VALUE|meta mark}, {@code meta mark set ct mark}) as
 * wg-quick and policy-routing setups write it, translated to iptables' connmark match and CONNMARK target, alone or
 * before a verdict, and the forms refused with the expression named.
 */
class NftCtMarkTranslatorTest {
    private static final NftTable TABLE = new NftTable(NftFamily.IP, "wg-quick-wg0", 1, List.of(
            new NftChain("input", 2, Optional.empty(), List.of()),
            new NftChain("marked", 3, Optional.empty(), List.of())), List.of());
    private static final TranslatorProbe PROBE = new TranslatorProbe(TABLE, 1, 4);

    private static List<String> v4(String text) {
        return PROBE.rules(text, IpFamily.V4);
    }

    private static Rule rule(String text) {
        NftRuleTranslator.Translated t = assertInstanceOf(NftRuleTranslator.Translated.class,
                PROBE.outcome(text, IpFamily.V4));
        assertEquals(1, t.rules().size());
        return t.rules().get(0);
    }

    @Test
    void wgQuicksTwoMangleRulesAreRestoreAndSaveOfAll32Bits() {
        assertEquals(List.of("-A input -p udp -m conntrack ! --ctstate INVALID,UNTRACKED -j CONNMARK --restore-mark"
                + " --nfmask 0xffffffff --ctmask 0xffffffff"), v4("meta l4proto udp meta mark set ct mark"));
        assertEquals(List.of("-A input -p udp -m mark --mark 0x0000ca6c -j CONNMARK --save-mark --nfmask 0xffffffff"
                + " --ctmask 0xffffffff"), v4("meta l4proto udp meta mark 0x0000ca6c ct mark set meta mark"));
        Connmark restore = assertInstanceOf(Connmark.class, rule("meta mark set ct mark").target());
        assertEquals(Connmark.Mode.RESTORE, restore.mode());
        assertEquals(0xffffffffL, restore.nfmask());
        assertEquals(0xffffffffL, restore.ctmask());
        Connmark save = assertInstanceOf(Connmark.class, rule("ct mark set meta mark").target());
        assertEquals(Connmark.Mode.SAVE, save.mode());
        assertEquals(0xffffffffL, save.nfmask());
        assertEquals(0xffffffffL, save.ctmask());
        assertEquals(v4("ct mark set meta mark"), v4("ct mark set mark"), "nft's short form of the packet's mark");
        assertEquals(v4("meta mark set ct mark"), v4("mark set ct mark"));
    }

    @Test
    void aValueIsSetOnAll32BitsOfTheConnectionsMark() {
        assertEquals(List.of("-A input -p tcp -m tcp --dport 443 -m conntrack --ctstate NEW -j CONNMARK --set-xmark"
                + " 0xca6c/0xffffffff"), v4("tcp dport 443 ct state new counter ct mark set 0x0000ca6c"));
        Connmark set = assertInstanceOf(Connmark.class, rule("ct mark set 0x00000010").target());
        assertEquals(Connmark.Mode.SET, set.mode());
        assertEquals(MarkOp.SET_XMARK, set.op());
        assertEquals(0x10, set.value());
        assertEquals(0xffffffffL, set.mask());
        assertEquals(0x10, assertInstanceOf(Connmark.class, rule("ct mark set 16").target()).value());
    }

    @Test
    void theTestsAreConnmarkMatchesPlainNegatedOrMasked() {
        assertEquals(List.of("-A input -m connmark --mark 0x00000001 -j MARK --set-xmark 0x1/0xffffffff"),
                v4("ct mark 0x00000001 meta mark set 0x00000001"));
        assertEquals(List.of("-A input -m connmark ! --mark 0x00000005 -j ACCEPT"), v4("ct mark != 0x00000005 counter accept"));
        assertEquals(List.of("-A input -m connmark --mark 0x00000100/0x0000ff00 -j ACCEPT"),
                v4("ct mark & 0x0000ff00 == 0x00000100 counter packets 3 bytes 180 accept"));
        assertEquals(List.of("-A input -m connmark ! --mark 0x0/0xff00 -j DROP"), v4("ct mark and 0xff00 != 0x0 drop"));
        assertEquals(List.of("-A input -m connmark --mark 7 -j ACCEPT"), v4("ct mark == 7 accept"));
        ConnmarkMatch m = rule("ct mark & 0x0000ff00 == 0x00000100").matches(ConnmarkMatch.class).get(0);
        assertEquals(0x100, m.mark().orElseThrow().value().value());
        assertEquals(0xff00, m.mark().orElseThrow().value().mask());
    }

    @Test
    void aCtMarkStatementBeforeAVerdictIsOneRuleWithTheStatementThenTheVerdict() {
        assertEquals(List.of("-A input -j CONNMARK --set-xmark 0x10/0xffffffff -j ACCEPT"),
                v4("ct mark set 0x00000010 accept"));
        assertEquals(List.of("-A input -p tcp -m tcp --dport 80 -m conntrack --ctstate NEW -j CONNMARK --set-xmark"
                + " 0x100/0xffffffff -j ACCEPT"), v4("tcp dport 80 ct state new counter ct mark set 0x00000100 accept"));
        assertEquals(List.of("-A input -j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff -j marked"),
                v4("ct mark set meta mark jump marked"));
        assertEquals(List.of("-A input -m conntrack ! --ctstate INVALID,UNTRACKED -j CONNMARK --restore-mark --nfmask"
                + " 0xffffffff --ctmask 0xffffffff -j DROP"), v4("meta mark set ct mark drop"));
        StatementVerdict sv = assertInstanceOf(StatementVerdict.class, rule("ct mark set 0x10 accept").target());
        assertInstanceOf(Connmark.class, sv.statement());
        assertInstanceOf(Accept.class, sv.verdict());
        assertTrue(sv.terminating());
        assertFalse(assertInstanceOf(StatementVerdict.class, rule("ct mark set 0x10 jump marked").target()).terminating());
    }

    /**
     * The bitwise restores as samples/recorder/checks/nft-ct-mark-bitwise.sh ran them (kernel 6.18, nft 1.0.6): the
     * packet's mark becomes {@code (ctmark & mask) ^ xor}, its other bits replaced, so nfmask is 0xffffffff; the
     * condition that the packet has an entry stays.
     */
    @Test
    void aBitwiseRestoreIsTheRestoreWithNftsMaskAsCtmaskAndItsXor() {
        assertEquals(List.of("-A input -m conntrack ! --ctstate INVALID,UNTRACKED -j CONNMARK --restore-mark --nfmask"
                + " 0xffffffff --ctmask 0xffff"), v4("meta mark set ct mark & 0x0000ffff"));
        assertEquals(List.of("-A input -m conntrack ! --ctstate INVALID,UNTRACKED -j CONNMARK --restore-mark --nfmask"
                + " 0xffffffff --ctmask 0xfffffffe --xor-mark 0x1"), v4("meta mark set ct mark | 0x00000001"));
        assertEquals(List.of("-A input -m conntrack ! --ctstate INVALID,UNTRACKED -j CONNMARK --restore-mark --nfmask"
                + " 0xffffffff --ctmask 0xffffffff --xor-mark 0xff"), v4("meta mark set ct mark ^ 0x000000ff"));
        assertEquals(v4("meta mark set ct mark & 0xffff0000"), v4("meta mark set ct mark and 0xffff0000"));
        assertEquals(v4("meta mark set ct mark | 0x1"), v4("mark set ct mark or 1"));
        assertEquals(v4("meta mark set ct mark ^ 0xff"), v4("meta mark set ct mark xor 255"));
        long[][] cases = {{0xffff0000L, 0}, {0xfffffffeL, 1}, {0xffffffffL, 0xff}};
        String[] forms = {"meta mark set ct mark and 0xffff0000", "meta mark set ct mark | 0x00000001",
                "meta mark set ct mark ^ 0x000000ff"};
        for (int k = 0; k < forms.length; k++) {
            Connmark c = assertInstanceOf(Connmark.class, rule(forms[k]).target(), forms[k]);
            assertEquals(Connmark.Mode.RESTORE, c.mode(), forms[k]);
            assertEquals(0xffffffffL, c.nfmask(), forms[k] + ": the packet's other bits are replaced");
            assertEquals(cases[k][0], c.ctmask(), forms[k]);
            assertEquals(cases[k][1], c.value(), forms[k]);
        }
        assertEquals(List.of("-A input -p udp -m conntrack ! --ctstate INVALID,UNTRACKED -j CONNMARK --restore-mark"
                + " --nfmask 0xffffffff --ctmask 0xff -j ACCEPT"), v4("meta l4proto udp meta mark set ct mark & 0xff accept"));
        StatementVerdict sv = assertInstanceOf(StatementVerdict.class,
                rule("meta mark set ct mark | 0x1 jump marked").target());
        assertEquals(1, assertInstanceOf(Connmark.class, sv.statement()).value());
    }

    @Test
    void aRestoreTakesNoNatStatementOrSecondStatementAfterIt() {
        assertEquals("'dnat' after meta mark set ct mark: only a verdict is replayed after it",
                PROBE.refusal("meta mark set ct mark & 0xff dnat to 10.0.0.1"));
        assertEquals("'masquerade' after meta mark set ct mark: only a verdict is replayed after it",
                PROBE.refusal("meta mark set ct mark masquerade"));
        assertEquals("'ct mark set meta' follows another statement or verdict: one statement per rule is replayed",
                PROBE.refusal("meta mark set ct mark | 0x1 ct mark set meta mark"));
    }

    @Test
    void theFormsNotReplayedAreRefusedNamingTheExpression() {
        assertEquals("'ct mark set ct mark | 0x00000001': only ct mark set VALUE and ct mark set meta mark"
                + " [| & ^ VALUE] are replayed",
                PROBE.refusal("ct mark set ct mark | 0x00000001"));
        assertEquals("'ct mark set ct mark or 0x1': only ct mark set VALUE and ct mark set meta mark"
                + " [| & ^ VALUE] are replayed",
                PROBE.refusal("ct mark set ct mark or 0x1"));
        assertEquals("'ct mark set meta mark << 1': only ct mark set VALUE and ct mark set meta mark [| & ^ VALUE]"
                + " are replayed", PROBE.refusal("ct mark set meta mark << 1"));
        assertEquals("'ct mark set 0x10 | 0x1': only ct mark set VALUE and ct mark set meta mark"
                + " [| & ^ VALUE] are replayed",
                PROBE.refusal("ct mark set 0x10 | 0x1"));
        assertEquals("'ct mark set meta l4proto': only ct mark set VALUE and ct mark set meta mark"
                + " [| & ^ VALUE] are replayed",
                PROBE.refusal("ct mark set meta l4proto"));
        assertEquals("'meta mark set ct mark << 1': only meta mark set ct mark [& | ^ VALUE] (one operator and a"
                + " number) is replayed", PROBE.refusal("meta mark set ct mark << 1"));
        assertEquals("'meta mark set ct mark & 0x0000ff00 |': only meta mark set ct mark [& | ^ VALUE] (one operator"
                + " and a number) is replayed", PROBE.refusal("meta mark set ct mark & 0x0000ff00 | 0x1"));
        assertEquals("'meta mark set ct mark & meta mark': only meta mark set ct mark [& | ^ VALUE] (one operator and a"
                + " number) is replayed", PROBE.refusal("meta mark set ct mark & meta mark"));
        assertEquals("'meta mark set ct mark >> 8': only meta mark set ct mark [& | ^ VALUE] (one operator and a"
                + " number) is replayed", PROBE.refusal("meta mark set ct mark >> 8"));
        assertEquals("'meta mark set ct mark |': only meta mark set ct mark [& | ^ VALUE] (one operator and a number)"
                + " is replayed", PROBE.refusal("meta mark set ct mark |"));
        assertEquals("'ct mark { 0x00000001, 0x00000002 }': only a single number is replayed as the mark (no sets,"
                + " maps or ranges)", PROBE.refusal("ct mark { 0x00000001, 0x00000002 } counter"));
        assertEquals("'ct mark != 0x1-0x5': only a single number is replayed as the mark (no sets, maps or ranges)",
                PROBE.refusal("ct mark != 0x1-0x5 accept"));
        assertEquals("'ct mark | 0x1': only ct mark & MASK == VALUE (or !=) with a number as mask is replayed",
                PROBE.refusal("ct mark | 0x1 == 0x1"), "| is no mask");
        assertEquals("'ct mark & ct': only ct mark & MASK == VALUE (or !=) with a number as mask is replayed",
                PROBE.refusal("ct mark & ct mark == 0x1"));
        assertEquals("'ct mark >': only ct mark VALUE, != VALUE and & MASK == VALUE are replayed",
                PROBE.refusal("ct mark > 0x10 accept"));
        assertEquals("'ct' lacks its value", PROBE.refusal("ct mark set"));
        assertEquals("'ct mark set 0x00000001' follows another statement or verdict: one statement per rule is replayed",
                PROBE.refusal("notrack ct mark set 0x00000001"), "one statement per rule");
        assertEquals("'drop' is not in the replayed subset", PROBE.refusal("ct mark set 0x1 accept drop"));
    }

    /** wg-quick's rules as {@code nft -j list ruleset} (nft 1.0.6) printed them: the same rules as the listing's text. */
    private static final String WG_QUICK_JSON = "{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\", \"release_name\": \"Lester Gooch #5\", \"json_schema_vers" +
            "ion\": 1}}, {\"table\": {\"family\": \"ip\", \"name\": \"wg-quick-wg0\", \"handle\": 1}}, {\"chain\": {\"family\": \"i" +
            "p\", \"table\": \"wg-quick-wg0\", \"name\": \"premangle\", \"handle\": 1, \"type\": \"filter\", \"hook\": \"prerouting" +
            "\", \"prio\": -150, \"policy\": \"accept\"}}, {\"chain\": {\"family\": \"ip\", \"table\": \"wg-quick-wg0\", \"name\": \"" +
            "postmangle\", \"handle\": 2, \"type\": \"filter\", \"hook\": \"postrouting\", \"prio\": -150, \"policy\": \"accept\"}" +
            "}, {\"rule\": {\"family\": \"ip\", \"table\": \"wg-quick-wg0\", \"chain\": \"premangle\", \"handle\": 3, \"expr\": [{\"" +
            "match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": \"udp\"}}, {\"mangle\": {\"key\": {\"me" +
            "ta\": {\"key\": \"mark\"}}, \"value\": {\"ct\": {\"key\": \"mark\"}}}}]}}, {\"rule\": {\"family\": \"ip\", \"table\": \"wg" +
            "-quick-wg0\", \"chain\": \"postmangle\", \"handle\": 4, \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"" +
            "key\": \"l4proto\"}}, \"right\": \"udp\"}}, {\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"mark\"}}, \"righ" +
            "t\": 51820}}, {\"mangle\": {\"key\": {\"ct\": {\"key\": \"mark\"}}, \"value\": {\"meta\": {\"key\": \"mark\"}}}}]}}, {\"" +
            "rule\": {\"family\": \"ip\", \"table\": \"wg-quick-wg0\", \"chain\": \"postmangle\", \"handle\": 5, \"expr\": [{\"matc" +
            "h\": {\"op\": \"==\", \"left\": {\"&\": [{\"ct\": {\"key\": \"mark\"}}, 65280]}, \"right\": 256}}, {\"mangle\": {\"key\":" +
            " {\"ct\": {\"key\": \"mark\"}}, \"value\": 16}}, {\"accept\": null}]}}]}";

    @Test
    void theJsonListingGivesTheSameRulesAsTheText() {
        Parsed<NftRuleset> parsed = NftJsonRulesetParser.parse("nft-ruleset.json", WG_QUICK_JSON);
        assertEquals(List.of(), parsed.diagnostics());
        NftTable table = parsed.value().tables().get(0);
        List<String> texts = table.chains().stream().flatMap(c -> c.rules().stream()).map(NftRule::text).toList();
        assertEquals(List.of("meta l4proto udp meta mark set ct mark",
                "meta l4proto udp meta mark 0x0000ca6c ct mark set meta mark",
                "ct mark & 0x0000ff00 == 0x00000100 ct mark set 0x00000010 accept"), texts);
        for (String text : texts) {
            NftRuleTranslator.Translated t = assertInstanceOf(NftRuleTranslator.Translated.class, NftRuleTranslator
                    .translate(table, "premangle", 1, new NftRule(text, 1, Optional.empty()), "nft-ruleset.json",
                            IpFamily.V4));
            assertEquals(v4(text).stream().map(r -> r.replace("-A input ", "-A premangle ")).toList(),
                    t.rules().stream().map(RuleRenderer::render).toList());
        }
        assertEquals(List.of("-A input -m connmark --mark 0x00000100/0x0000ff00 -j CONNMARK --set-xmark 0x10/0xffffffff"
                + " -j ACCEPT"), v4(texts.get(2)));
    }

    /** The bitwise restores as {@code nft -j list ruleset} (nft 1.0.6) printed them, read back as the listing's text. */
    @Test
    void theJsonOfABitwiseRestoreGivesTheTextsRule() {
        String json = "{\"nftables\": [{\"table\": {\"family\": \"ip\", \"name\": \"t\", \"handle\": 1}},"
                + " {\"chain\": {\"family\": \"ip\", \"table\": \"t\", \"name\": \"c\", \"handle\": 1, \"type\":"
                + " \"filter\", \"hook\": \"prerouting\", \"prio\": -150, \"policy\": \"accept\"}}"
                + rule(2, "{\"mangle\": {\"key\": {\"meta\": {\"key\": \"mark\"}}, \"value\": {\"&\": [{\"ct\":"
                + " {\"key\": \"mark\"}}, 65535]}}}")
                + rule(3, "{\"mangle\": {\"key\": {\"meta\": {\"key\": \"mark\"}}, \"value\": {\"|\": [{\"ct\":"
                + " {\"key\": \"mark\"}}, 1]}}}, {\"accept\": null}")
                + rule(4, "{\"mangle\": {\"key\": {\"meta\": {\"key\": \"mark\"}}, \"value\": {\"^\": [{\"ct\":"
                + " {\"key\": \"mark\"}}, 255]}}}") + "]}";
        Parsed<NftRuleset> parsed = NftJsonRulesetParser.parse("nft-ruleset.json", json);
        assertEquals(List.of(), parsed.diagnostics());
        NftTable table = parsed.value().tables().get(0);
        List<String> rendered = new java.util.ArrayList<>();
        for (NftRule r : table.chains().get(0).rules()) {
            NftRuleTranslator.Translated t = assertInstanceOf(NftRuleTranslator.Translated.class, NftRuleTranslator
                    .translate(table, "c", 1, r, "nft-ruleset.json", IpFamily.V4), r.text());
            t.rules().stream().map(RuleRenderer::render).forEach(rendered::add);
        }
        String restore = "-A c -m conntrack ! --ctstate INVALID,UNTRACKED -j CONNMARK --restore-mark --nfmask 0xffffffff";
        assertEquals(List.of(restore + " --ctmask 0xffff", restore + " --ctmask 0xfffffffe --xor-mark 0x1 -j ACCEPT",
                restore + " --ctmask 0xffffffff --xor-mark 0xff"), rendered);
    }

    private static String rule(int handle, String expr) {
        return ", {\"rule\": {\"family\": \"ip\", \"table\": \"t\", \"chain\": \"c\", \"handle\": " + handle
                + ", \"expr\": [" + expr + "]}}";
    }
}
