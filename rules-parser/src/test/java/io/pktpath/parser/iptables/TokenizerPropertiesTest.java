package io.pktpath.parser.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pktpath.parser.iptables.match.Quoting;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Tokenizer: tokens -> quoted text -> the same tokens; fixed cases of quoting and escapes. */
class TokenizerPropertiesTest {
    @Provide
    Arbitrary<List<String>> tokens() {
        return Arbitraries.strings().withChars(" \t\"'\\!-_.:/,ab01Zé").ofMaxLength(12).list().ofMaxSize(8);
    }

    @Property
    void quotedTextTokenizesBackToTheSameTokens(@ForAll("tokens") List<String> tokens) throws Exception {
        String line = String.join(" ", tokens.stream().map(Quoting::quote).toList());
        assertEquals(tokens, Tokenizer.tokenize(line).stream().map(Token::text).toList());
    }

    @Test
    void escapesAndColumns() throws Exception {
        List<Token> t = Tokenizer.tokenize("-A X  --comment \"a \\\"quoted\\\" it\\'s \\\\ word\" 'single'");
        assertEquals(List.of("-A", "X", "--comment", "a \"quoted\" it's \\ word", "'single'"), t.stream().map(Token::text).toList());
        assertEquals(List.of(1, 4, 7, 17, 46), t.stream().map(Token::column).toList());
        assertEquals("\"a \\\"quoted\\\" it\\'s \\\\ word\"", t.get(3).raw());
        assertEquals("\"a \\\"quoted\\\" it\\'s \\\\ word\"", Quoting.quote(t.get(3).text()));
        assertEquals("simple", Quoting.quote("simple"));
        assertEquals("\"a.b\"", Quoting.quote("a.b"));
        Tokenizer.UnbalancedQuoteException e = assertThrows(Tokenizer.UnbalancedQuoteException.class,
                () -> Tokenizer.tokenize("-A X --comment \"open"));
        assertEquals(16, e.column());
    }
}
