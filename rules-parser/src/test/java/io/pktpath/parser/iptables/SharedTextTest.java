package io.pktpath.parser.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.iptables.match.CommentMatch;
import io.pktpath.parser.iptables.match.Quoting;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.target.Jump;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The allocation-saving paths give the same answers as the plain ones: quoting checked without building the quoted
 * text, token texts compared without joining them, common words and repeated names shared between rules.
 */
class SharedTextTest {
    @Provide
    Arbitrary<String> values() {
        return Arbitraries.strings().withChars(" \t\"'\\!-_.:/,ab01Zé").ofMaxLength(12);
    }

    @Property
    void quotesAsAgreesWithQuote(@ForAll("values") String value, @ForAll("values") String other) {
        assertTrue(Quoting.quotesAs(value, Quoting.quote(value)));
        assertEquals(Quoting.quote(value).equals(Quoting.quoteAlways(value)), Quoting.quotesAs(value, Quoting.quoteAlways(value)));
        assertEquals(Quoting.quote(value).equals(other), Quoting.quotesAs(value, other));
        assertEquals(Quoting.quote(value).equals(Quoting.quote(other)), Quoting.quotesAs(value, Quoting.quote(other)));
    }

    @Property
    void sameTextAgreesWithJoining(@ForAll("values") String a, @ForAll("values") String b) throws Exception {
        LineTokens tokens = new LineTokens(new Names()).read(Quoting.quote(a) + " x " + Quoting.quote(b));
        String joined = RuleLineParser.joinRaw(tokens, 0, tokens.size());
        assertTrue(RuleLineParser.sameText(tokens, 0, tokens.size(), joined));
        assertFalse(RuleLineParser.sameText(tokens, 0, tokens.size(), joined + " "));
        assertFalse(RuleLineParser.sameText(tokens, 0, tokens.size(), joined.substring(0, joined.length() - 1)));
        assertEquals(("x " + Quoting.quote(b)).equals(joined), RuleLineParser.sameText(tokens, 0, tokens.size(), "x " + Quoting.quote(b)));
    }

    @Test
    void commonWordsAreSharedAndOtherWordsCut() throws Exception {
        Token first = Tokenizer.tokenize("-A KUBE-SVC-1 -j KUBE-MARK-MASQ").get(3);
        Token second = Tokenizer.tokenize("-A   KUBE-SEP-2 -j KUBE-MARK-MASQ").get(3);
        assertEquals("KUBE-MARK-MASQ", first.text());
        assertSame(first.text(), second.text());
        assertEquals(List.of("-A", "KUBE-MARK-MASQX", "--dportx", "-", "--dport"),
                Tokenizer.tokenize("-A KUBE-MARK-MASQX --dportx - --dport").stream().map(Token::text).toList());
        assertEquals("--dport", CommonWords.find("x--dport", 1, 8, "--dport".hashCode()));
        assertEquals("--dpor", CommonWords.find("x--dport", 1, 7, "--dpor".hashCode()));
    }

    @Test
    void repeatedNamesAreSharedBetweenRules() {
        String dump = "*filter\n:INPUT ACCEPT [0:0]\n:KUBE-A - [0:0]\n"
                + "-A INPUT -m comment --comment \"ns/svc:http\" -j KUBE-A\n"
                + "-A INPUT -m comment --comment \"ns/svc:http\" -j KUBE-A\nCOMMIT\n";
        Parsed<Ruleset> parsed = IptablesSaveParser.parse("dump", dump);
        assertEquals(List.of(), parsed.diagnostics());
        List<Rule> rules = parsed.value().table("filter").orElseThrow().chain("INPUT").orElseThrow().rules();
        assertEquals(List.of(1, 2), rules.stream().map(Rule::position).toList());
        assertSame(rules.get(0).chain(), rules.get(1).chain());
        assertSame(((Jump) rules.get(0).target()).chain(), ((Jump) rules.get(1).target()).chain());
        assertSame(comment(rules.get(0)), comment(rules.get(1)));
        assertEquals("ns/svc:http", comment(rules.get(0)));
    }

    private static String comment(Rule rule) {
        return rule.matches(CommentMatch.class).get(0).comment().orElseThrow().value().text();
    }
}
