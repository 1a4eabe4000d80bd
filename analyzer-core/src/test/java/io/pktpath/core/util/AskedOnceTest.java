package io.pktpath.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A question counts as asked before only at its second ask, and only while no other question took its slot. */
class AskedOnceTest {
    @Test
    void theSecondAskOfAHashIsAskedBefore() {
        AskedOnce asked = new AskedOnce(1 << 10);
        assertFalse(asked.askedBefore(12345));
        assertTrue(asked.askedBefore(12345));
        assertTrue(asked.askedBefore(12345), "a question asked again stays asked");
        assertFalse(asked.askedBefore(12346));
        assertFalse(asked.askedBefore(0));
        assertTrue(asked.askedBefore(0), "0, the mark of an empty slot, is a question like any other");
    }

    @Test
    void aHashWhoseSlotAnotherTookIsForgotten() {
        AskedOnce asked = new AskedOnce(2);
        int first = 1;
        int other = first + 1;
        while (!sameSlot(first, other, 2)) {
            other++;
        }
        assertFalse(asked.askedBefore(first));
        assertFalse(asked.askedBefore(other));
        assertFalse(asked.askedBefore(first), "its slot held another hash since: a first ask again");
        assertTrue(asked.askedBefore(first));
    }

    /** Distinct hashes asked in turn, each twice in a row: each second ask is asked before, each first is not. */
    @Test
    void manyQuestionsAskedTwiceInARow() {
        AskedOnce asked = new AskedOnce(1 << 12);
        Random random = new Random(9);
        Set<Integer> seen = new HashSet<>();
        int firsts = 0;
        for (int n = 0; n < 3000; n++) {
            int hash = random.nextInt();
            if (!seen.add(hash)) {
                continue;
            }
            if (!asked.askedBefore(hash)) {
                firsts++;
            }
            assertTrue(asked.askedBefore(hash));
        }
        assertEquals(seen.size(), firsts);
    }

    /** Whether two hashes share a slot of a table of {@code capacity} slots (the table's Fibonacci hash, top bits). */
    private static boolean sameSlot(int a, int b, int capacity) {
        int shift = 32 - Integer.numberOfTrailingZeros(capacity);
        return (a * 0x9E3779B9) >>> shift == (b * 0x9E3779B9) >>> shift;
    }
}
