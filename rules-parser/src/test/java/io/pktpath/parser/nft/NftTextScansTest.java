package io.pktpath.parser.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hand-written scans of nft text (jump and goto targets, the {@code # handle N} comment, a map element's verdict
 * words, a rule's words) give exactly what the regexes and string builders they replaced gave, on random texts.
 */
class NftTextScansTest {
    private static final Pattern JUMP = Pattern.compile("(?<![\\w-])(?:jump|goto)\\s+\"?([^\\s\",;}]+)\"?");

    private static final Pattern HANDLE = Pattern.compile("\\s*#\\s*handle\\s+(\\d+)\\s*$");

    private static List<String> byRegex(String text) {
        Matcher m = JUMP.matcher(text);
        LinkedHashSet<String> out = new LinkedHashSet<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return List.copyOf(out);
    }

    @Test
    void readsTheTargetsOfKubeProxyRules() {
        assertEquals(List.of("endpoint-A/x", "endpoint-B"), NftRule.targets(
                "numgen random mod 2 vmap { 0 : goto endpoint-A/x, 1 : goto \"endpoint-B\" }"));
        assertEquals(List.of("mark-for-masquerade"), NftRule.targets("ip saddr 10.0.0.1 jump mark-for-masquerade"));
        assertEquals(List.of(), NftRule.targets("meta l4proto tcp dnat to 10.0.0.1:80 comment \"no-jump x\""));
        assertEquals(List.of("b"), NftRule.targets("jumpy a x-jump c jump\t\"b\";goto \"\" goto"));
    }

    @Test
    void findsWhatTheRegexFindsOnRandomTexts() {
        String[] pieces = {"jump", "goto", " ", "  ", "\t", "\"", ",", ";", "}", "{", "-", "_", "x", "a1", "jumpgoto",
            "chain-1", "é", "\n", ":", "."};
        Random random = new Random(7);
        for (int n = 0; n < 200_000; n++) {
            StringBuilder text = new StringBuilder();
            int parts = 1 + random.nextInt(12);
            for (int p = 0; p < parts; p++) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            String t = text.toString();
            assertEquals(byRegex(t), NftRule.targets(t), () -> "text '" + t + "'");
        }
    }

    @Test
    void findsTheHandleCommentWhereTheRegexFindsIt() {
        assertEquals(" ip daddr 10.0.0.1 accept".length(), NftRulesetParser.handleComment(" ip daddr 10.0.0.1 accept # handle 12"));
        assertEquals(-1, NftRulesetParser.handleComment("ip daddr 10.0.0.1 accept # handle x"));
        String[] pieces = {"#", " ", "\t", "handle", "handl", "1", "42", "x", "\"", "# handle 7", "\u2028", "\u0085",
            "\r", "\n", "accept", "e"};
        Random random = new Random(11);
        for (int n = 0; n < 200_000; n++) {
            StringBuilder text = new StringBuilder();
            int parts = 1 + random.nextInt(10);
            for (int p = 0; p < parts; p++) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            String t = text.toString();
            Matcher m = HANDLE.matcher(t);
            int expected = m.find() ? m.start() : -1;
            assertEquals(expected, NftRulesetParser.handleComment(t), () -> "line '" + t + "'");
        }
    }

    @Test
    void splitsAMapElementsVerdictAsTheRegexDid() {
        String[] pieces = {" ", "  ", "\t", "\u2028", "\u001c", "goto", "x", ":", "endpoint-a", "\n", "continue"};
        Random random = new Random(13);
        for (int n = 0; n < 100_000; n++) {
            StringBuilder text = new StringBuilder("k : ");
            int parts = random.nextInt(8);
            for (int p = 0; p < parts; p++) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            String t = text.toString();
            java.util.Optional<NftMapElement> e = NftMapElement.parse(t);
            List<String> expected = List.of(t.substring(t.lastIndexOf(" : ") + 3).strip().split("\\s+"));
            assertEquals(expected, e.orElseThrow().verdict(), () -> "element '" + t + "'");
        }
    }

    @Test
    void splitsARuleIntoTheWordsABuilderGave() {
        String[] pieces = {" ", "\t", "\"", "{", "}", "a", "ip", "daddr", ",", "\u2028", "x y"};
        Random random = new Random(17);
        for (int n = 0; n < 100_000; n++) {
            StringBuilder text = new StringBuilder();
            int parts = random.nextInt(12);
            for (int p = 0; p < parts; p++) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            String t = text.toString();
            assertEquals(byBuilder(t), NftRuleTokens.split(t), () -> "rule '" + t + "'");
        }
    }

    /** The split as it was written before: a builder per word. */
    private static List<String> byBuilder(String text) {
        List<String> out = new java.util.ArrayList<>();
        StringBuilder word = new StringBuilder();
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '{') {
                depth++;
            } else if (!quoted && c == '}') {
                depth--;
            }
            if (Character.isWhitespace(c) && !quoted && depth == 0) {
                if (!word.isEmpty()) {
                    out.add(word.toString());
                    word.setLength(0);
                }
            } else {
                word.append(c);
            }
        }
        if (!word.isEmpty()) {
            out.add(word.toString());
        }
        return out;
    }
}
