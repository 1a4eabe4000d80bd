package io.pktpath.parser.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link RegionMemo} answers as a map from the region's text would, until it forgets everything when half full. */
class RegionMemoTest {
    @Test
    void findsARegionByItsTextInAnyLine() {
        RegionMemo<Integer> memo = new RegionMemo<>(4);
        String line = "-A X -m tcp --dport 80 -j Y";
        memo.put(line, 5, 22, Names.hash(line, 5, 22), 7);
        String other = "-m tcp --dport 80";
        assertEquals(7, memo.get(other, 0, other.length(), Names.hash(other, 0, other.length())));
        String longer = "-m tcp --dport 800";
        assertNull(memo.get(longer, 0, longer.length(), Names.hash(longer, 0, longer.length())));
        assertNull(memo.get(longer, 0, 16, Names.hash(longer, 0, 16)), "a shorter region of the same text");
        assertNull(memo.get(other, 0, other.length(), Names.hash(line, 0, 5)), "the text with another hash");
    }

    @Test
    void agreesWithAMapUntilItForgetsEverythingWhenHalfFull() {
        RegionMemo<Integer> memo = new RegionMemo<>(6);
        Map<String, Integer> reference = new HashMap<>();
        Random random = new Random(7);
        int kept = 0;
        for (int k = 0; k < 5000; k++) {
            String word = "w" + random.nextInt(60);
            String line = "<" + word + ">";
            Integer found = memo.get(line, 1, line.length() - 1, word.hashCode());
            assertEquals(reference.get(word), found, word + " after " + k);
            if (found == null) {
                if (kept == 32) {
                    reference.clear();
                    kept = 0;
                }
                memo.put(line, 1, line.length() - 1, word.hashCode(), k);
                reference.put(word, k);
                kept++;
            }
        }
    }
}
