package io.pktpath.parser.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.iptables.model.Counters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-made look-up tables answer as their plain references do: {@link ChainIndex} as a {@link LinkedHashMap} (by
 * string and by token in place, through growth), {@link Names} as a map forgotten whenever it holds half its slots, and
 * {@link TableBuilder} the same for a chain named by a token as by its string.
 */
class LookupTablesTest {
    private static TableBuilder.ChainBuilder chain(String name, int line) {
        return new TableBuilder.ChainBuilder(name, Optional.empty(), Counters.ZERO, new SourceSpan("t", line, 1));
    }

    /** Names such as KUBE-SEP-x7 that collide in their first characters, plus a few that are common words. */
    private static String name(Random random) {
        String[] common = {"DROP", "ACCEPT", "KUBE-MARK-MASQ", "INPUT"};
        return random.nextInt(20) == 0 ? common[random.nextInt(common.length)]
                : "KUBE-SEP-" + Integer.toString(random.nextInt(5000), 36);
    }

    @Test
    void chainIndexAgreesWithALinkedHashMap() throws Exception {
        Random random = new Random(7);
        ChainIndex index = new ChainIndex(0);
        Map<String, TableBuilder.ChainBuilder> reference = new LinkedHashMap<>();
        LineTokens tokens = new LineTokens(new Names());
        for (int n = 1; n <= 4000; n++) {
            String name = name(random);
            if (!reference.containsKey(name)) {
                TableBuilder.ChainBuilder c = chain(name, n);
                index.put(c);
                reference.put(name, c);
            }
            String asked = name(random);
            int slot = index.find(asked);
            TableBuilder.ChainBuilder expected = reference.get(asked);
            tokens.read("-j " + asked);
            assertEquals(slot, index.find(tokens, 1), asked);
            if (expected == null) {
                assertEquals(ChainIndex.ABSENT, slot, asked);
            } else {
                assertSame(expected, index.chain(slot));
                assertSame(expected.name, index.name(slot));
                assertEquals(expected.span.line(), index.line(slot));
            }
        }
        assertEquals(new ArrayList<>(reference.values()), index.inOrder());
        TableBuilder.ChainBuilder again = chain(index.inOrder().get(3).name, 9999);
        index.put(again);
        assertSame(again, index.inOrder().get(3), "a chain put again keeps the first one's place");
        assertEquals(9999, index.line(index.find(again.name)));
        assertEquals(reference.size(), index.inOrder().size());
    }

    @Test
    void quotedTokensAreNotFoundInPlace() throws Exception {
        ChainIndex index = new ChainIndex(4);
        index.put(chain("KUBE-A", 2));
        LineTokens tokens = new LineTokens(new Names()).read("KUBE-A \"KUBE-A\"");
        assertEquals(index.find("KUBE-A"), index.find(tokens, 0));
        assertEquals(ChainIndex.ABSENT, index.find(tokens, 1));
    }

    @Test
    void tableBuilderAnswersATokenAsItsString() throws Exception {
        String[] lines = "*nat\n:A - [0:0]\n:B - [0:0]\n:C - [0:0]\nCOMMIT\n".split("\n", -1);
        TableBuilder table = new TableBuilder("nat", new SourceSpan("t", 1, 1), new ScannedDeclarations(lines, 1, new Names()));
        table.declare(chain("A", 2));
        LineTokens tokens = new LineTokens(new Names());
        for (String asked : List.of("A", "B", "C", "DNAT", "\"A\"", "A", "KUBE-MARK-MASQ")) {
            tokens.read("-j " + asked);
            int byToken = table.declaredAt(tokens, 1);
            String nameByToken = table.declaredName(tokens, 1);
            assertEquals(table.declaredAt(tokens.text(1)), byToken, asked);
            assertEquals(table.declaredName(tokens.text(1)), nameByToken, asked);
        }
        tokens.read("-j A");
        assertEquals(2, table.declaredAt(tokens, 1));
        assertEquals("A", table.declaredName(tokens, 1));
        tokens.read("-j C");
        assertEquals(4, table.declaredAt(tokens, 1), "declared later, as the scan finds");
    }

    /** The reference: a map that is cleared when it is full before a new entry. */
    private static final class ForgettingMap {
        private final Map<Object, Object> map = new HashMap<>();
        private final int full;

        ForgettingMap(int full) {
            this.full = full;
        }

        Object share(Object v) {
            Object known = map.get(v);
            if (known != null) {
                return known;
            }
            if (map.size() == full) {
                map.clear();
            }
            map.put(v, v);
            return v;
        }
    }

    @Test
    void namesShareAsAMapForgottenWhenHalfFull() {
        Random random = new Random(11);
        Names names = new Names(4);
        ForgettingMap words = new ForgettingMap(8);
        ForgettingMap values = new ForgettingMap(8);
        for (int n = 0; n < 5000; n++) {
            String word = new String("w" + random.nextInt(14));
            Object expected = words.share(word);
            if (random.nextBoolean()) {
                assertSame(expected, names.share(word));
            } else {
                String line = "x " + word + " y";
                String cut = names.share(line, 2, 2 + word.length(), Names.hash(line, 2, 2 + word.length()));
                if (expected == word) {
                    assertEquals(word, cut, "a new word is cut from the line");
                    words.map.put(word, cut);
                } else {
                    assertSame(expected, cut);
                }
            }
            List<Integer> value = List.of(random.nextInt(14), 3);
            assertSame(values.share(value), names.shareValue(value));
        }
    }

    @Test
    void addressTextIsCanonicalExactlyWhenItIsThePrintedPrefix() throws Exception {
        Random random = new Random(5);
        String[] masks = {"255.255.255.0", "255.0.0.0", "0.0.0.0", "255.255.255.255"};
        for (int n = 0; n < 20000; n++) {
            StringBuilder text = new StringBuilder();
            for (int o = 0; o < 4; o++) {
                int octet = random.nextInt(4) == 0 ? random.nextInt(3) : random.nextInt(256);
                text.append(o == 0 ? "" : ".").append(octet < 100 && random.nextInt(6) == 0 ? "0" : "").append(octet);
            }
            switch (random.nextInt(5)) {
                case 0 -> { }
                case 1 -> text.append('/').append(masks[random.nextInt(masks.length)]);
                case 2 -> text.append("/0").append(random.nextInt(33));
                default -> text.append('/').append(random.nextInt(33));
            }
            String t = text.length() > 0 && random.nextInt(10) == 0 ? "fd00::" + Integer.toHexString(n & 0xfff) + "/" + random.nextInt(129) : text.toString();
            io.pktpath.parser.net.Cidr cidr = io.pktpath.parser.net.Cidr.parse(t);
            assertEquals(cidr.toString().equals(t), AddressReader.printsAs(cidr, t), t);
        }
    }

    @Test
    void aForgottenWordIsCutAnew() {
        Names names = new Names(3);
        String first = names.share(new String("a"));
        assertSame(first, names.share(new String("a")));
        for (String w : List.of("b", "c", "d")) {
            names.share(w);
        }
        assertSame(first, names.share(new String("a")), "four words fill half of eight slots");
        String e = names.share("e");
        assertSame(e, names.share(new String("e")));
        assertNotSame(first, names.share(new String("a")), "forgotten when the fifth word came");
    }
}
