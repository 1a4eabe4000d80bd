package io.pktpath.parser.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.iptables.match.Quoting;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The in-place tokens ({@link LineTokens}) read every line exactly as {@link Tokenizer} does: same texts, columns,
 * quoting, raw texts and unbalanced-quote columns, with option names compared in place and one instance reused.
 */
class LineTokensTest {
    private static final List<String> WORDS = List.of("!", "-A", "-j", "--comment", "--dport", "-", "--", "", "KUBE-MARK-MASQ",
            "a b", "\"", "é");

    @Provide
    Arbitrary<String> lines() {
        return Arbitraries.strings().withChars(" \t\"'\\!-_.:/,ab01Zé€").ofMaxLength(40);
    }

    @Provide
    Arbitrary<List<String>> values() {
        return Arbitraries.strings().withChars(" \t\"'\\!-_.:/,ab01Zé").ofMaxLength(12).list().ofMaxSize(8);
    }

    @Property
    void randomLinesSplitAsTheTokenizerSplitsThem(@ForAll("lines") String line, @ForAll("lines") String previous) {
        LineTokens tokens = new LineTokens(new Names());
        try {
            tokens.read(previous);
            tokens.text(0);
        } catch (Tokenizer.UnbalancedQuoteException | IndexOutOfBoundsException ignored) {
            // only there to leave state behind in the reused instance
        }
        assertAgree(line, tokens);
    }

    @Property
    void quotedValuesSplitAsTheTokenizerSplitsThem(@ForAll("values") List<String> values) {
        String line = String.join(" ", values.stream().map(Quoting::quote).toList());
        assertAgree(line, new LineTokens(new Names()));
        assertAgree("-A X -m comment --comment " + line + " -j ACCEPT", new LineTokens(new Names()));
    }

    @Test
    void trickyLines() {
        LineTokens reused = new LineTokens(new Names());
        for (String line : List.of(
                "-A X -m comment --comment \"a \\\"quoted\\\" it\\'s \\\\ word\" 'single' -j ACCEPT",
                "-A X ! -s 10.0.0.0/8 -d ! 10.1.0.0/16 -p ! tcp -j DROP",
                "-A X -m comment --comment \"\" -j RETURN",
                "-A X -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
                "\t-A  X\t--comment   \"tab\tinside\"  ",
                "-A X --comment a\"b c\"d\"\" e",
                "-A X --comment \"é ü 中文 €\" -j LOG --log-prefix \"x: \"",
                "-A X --comment \"ends with backslash \\\\\"",
                "-A X --comment \"escaped quote at end\\\"\"",
                ":KUBE-SEP-ABC - [0:0]",
                "[12:3456] -A INPUT -j ACCEPT",
                "-A X --comment \"open",
                "-A X --comment open\" -j ACCEPT",
                "",
                "   ")) {
            assertAgree(line, reused);
            assertAgree(line, new LineTokens(new Names()));
        }
    }

    @Test
    void unbalancedQuoteGivesTheTokenizersColumn() throws Exception {
        LineTokens tokens = new LineTokens(new Names());
        Tokenizer.UnbalancedQuoteException e = assertThrows(Tokenizer.UnbalancedQuoteException.class,
                () -> tokens.read("-A X --comment \"open"));
        assertEquals(16, e.column());
        assertEquals(List.of("-A", "Y"), texts(tokens.read("-A Y")), "a failed line leaves nothing behind");
    }

    @Test
    void wordsAreSharedAndOptionsComparedInPlace() throws Exception {
        Names names = new Names();
        LineTokens tokens = new LineTokens(names);
        String first = tokens.read("-A KUBE-SVC-1 -m comment --comment \"ns/svc:http\" -j KUBE-SEP-ABC").text(1);
        String comment = tokens.text(5);
        String target = tokens.text(7);
        tokens.read("-A  KUBE-SVC-1 -m comment --comment \"ns/svc:http\" -j KUBE-SEP-ABC");
        assertSame(first, tokens.text(1));
        assertSame(comment, tokens.text(5));
        assertSame(target, tokens.text(7));
        assertEquals("ns/svc:http", comment);
        assertSame(CommonWords.find("--comment", 0, 9, "--comment".hashCode()), tokens.text(4));
        assertTrue(tokens.is(4, "--comment"));
        assertFalse(tokens.is(5, "ns/svc:http"), "a quoted token is never an option word");
        assertTrue(tokens.startsWith(4, "--"));
        assertFalse(tokens.startsWith(0, "--"));
        assertEquals("KUBE-SVC-1", tokens.read(":KUBE-SVC-1 - [0:0]").textAfter(0, 1));
        assertSame(first, tokens.textAfter(0, 1));
    }

    private static void assertAgree(String line, LineTokens tokens) {
        List<Token> expected;
        try {
            expected = ReferenceTokenizer.tokenize(line);
        } catch (Tokenizer.UnbalancedQuoteException e) {
            Tokenizer.UnbalancedQuoteException actual = assertThrows(Tokenizer.UnbalancedQuoteException.class,
                    () -> tokens.read(line), line);
            assertEquals(e.column(), actual.column(), line);
            return;
        }
        try {
            tokens.read(line);
        } catch (Tokenizer.UnbalancedQuoteException e) {
            throw new AssertionError("unexpected unbalanced quote in " + line, e);
        }
        assertEquals(expected.size(), tokens.size(), line);
        assertEquals(expected, tokens.tokens(0, tokens.size()), line);
        for (int k = 0; k < expected.size(); k++) {
            Token t = expected.get(k);
            assertEquals(t.text(), tokens.text(k), line);
            assertEquals(t.raw(), tokens.raw(k), line);
            assertEquals(t.column(), tokens.column(k), line);
            assertEquals(t.quoted(), tokens.quoted(k), line);
            assertEquals(t.raw().length(), tokens.rawLength(k), line);
            assertTrue(tokens.rawAt(k, "x" + t.raw(), 1), line);
            assertEquals(Quoting.quotesAs(t.text(), t.raw()), tokens.rawQuotes(k, t.text()), line);
            assertEquals(t.text().startsWith("--"), tokens.startsWith(k, "--"), line);
            assertEquals(t.text().startsWith("-"), tokens.startsWith(k, "-"), line);
            if (!t.text().isEmpty()) {
                assertEquals(t.text().substring(1), tokens.textAfter(k, 1), line);
            }
            for (String w : WORDS) {
                assertEquals(t.is(w), tokens.is(k, w), line + " is " + w);
            }
        }
    }

    private static List<String> texts(LineTokens tokens) {
        List<String> texts = new ArrayList<>();
        for (int k = 0; k < tokens.size(); k++) {
            texts.add(tokens.text(k));
        }
        return texts;
    }
}
