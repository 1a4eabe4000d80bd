package io.pktpath.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The slots keep answers where a reader scanning the probes of their hash finds them, within a bounded memory, and
 * marks for questions asked once.
 */
class AnswerSlotsTest {
    /** An answer with the question it answers, as callers store them. */
    private record Answer(int question, String words) {
    }

    @Test
    void capacityIsAPowerOfTwoOfAtLeastTheProbes() {
        assertEquals(4, new AnswerSlots<Answer>(0).capacity());
        assertEquals(4, new AnswerSlots<Answer>(3).capacity());
        assertEquals(8, new AnswerSlots<Answer>(5).capacity());
        assertEquals(16, new AnswerSlots<Answer>(16).capacity());
        assertEquals(32768, new AnswerSlots<Answer>(1 << 15).capacity());
    }

    @Test
    void answersOfOneHashFillItsProbesThenReplaceTheFirst() {
        AnswerSlots<Answer> slots = new AnswerSlots<>(64);
        for (int i = 0; i < AnswerSlots.PROBES; i++) {
            assertNull(slots.at(7, i));
        }
        Answer[] kept = new Answer[AnswerSlots.PROBES];
        for (int i = 0; i < AnswerSlots.PROBES; i++) {
            kept[i] = new Answer(7, "answer " + i);
            slots.keep(7, kept[i]);
        }
        for (int i = 0; i < AnswerSlots.PROBES; i++) {
            assertSame(kept[i], slots.at(7, i));
        }
        Answer newest = new Answer(7, "newest");
        slots.keep(7, newest);
        assertSame(newest, slots.at(7, 0));
        for (int i = 1; i < AnswerSlots.PROBES; i++) {
            assertSame(kept[i], slots.at(7, i));
        }
        assertThrows(IllegalArgumentException.class, () -> slots.keep(7, null));
    }

    /** Past the capacity answers are lost, never wrong; the one kept last is always found; few answers all stay. */
    @Test
    void readersFindOnlyTheirOwnAnswersAgainstAMap() {
        Random random = new Random(11);
        AnswerSlots<Answer> slots = new AnswerSlots<>(1024);
        Map<Integer, Answer> reference = new HashMap<>();
        int found = 0;
        for (int n = 0; n < 20_000; n++) {
            int question = random.nextInt(n < 10_000 ? 200 : 5_000) * (random.nextBoolean() ? 1 : -65_537);
            Answer known = find(slots, question);
            if (known != null) {
                assertSame(reference.get(question), known, "question " + question);
                found++;
            } else {
                Answer made = reference.computeIfAbsent(question, q -> new Answer(q, "answer to " + q));
                slots.keep(question, made);
                assertSame(made, find(slots, question));
            }
        }
        assertTrue(found > 9_000, "the first 10,000 questions come from 400 and are found again: " + found);
    }

    private static Answer find(AnswerSlots<Answer> slots, int question) {
        for (int probe = 0; probe < AnswerSlots.PROBES && !slots.emptyAt(question, probe); probe++) {
            Answer a = slots.at(question, probe);
            if (a != null && a.question() == question) {
                return a;
            }
        }
        return null;
    }

    /** A probe that meets another hash's answer gives nothing for it and goes on to the next slot. */
    @Test
    void anotherHashsAnswerIsNotGivenButDoesNotEndTheSearch() {
        AnswerSlots<Answer> slots = new AnswerSlots<>(4);
        Answer other = new Answer(1, "one");
        slots.keep(1, other);
        int sameHome = 2;
        while (!sameHomeAs(slots, 1, sameHome)) {
            sameHome++;
        }
        Answer mine = new Answer(sameHome, "mine");
        slots.keep(sameHome, mine);
        assertTrue(slots.at(sameHome, 0) == null && !slots.emptyAt(sameHome, 0), "the first probe holds 1's answer");
        assertSame(mine, find(slots, sameHome));
        assertSame(other, find(slots, 1));
        assertNull(find(slots, sameHome + 4096));
        Answer zero = new Answer(0, "zero");
        slots.keep(0, zero);
        assertSame(zero, find(slots, 0));
    }

    /** True if {@code b} has its first slot where {@code a} has (a table of 4 slots: the probes wrap around). */
    private static boolean sameHomeAs(AnswerSlots<Answer> slots, int a, int b) {
        AnswerSlots<Answer> probe = new AnswerSlots<>(slots.capacity());
        probe.keep(a, new Answer(a, ""));
        return !probe.emptyAt(b, 0);
    }

    @Test
    void aCacheWithoutAHigherBoundNeverGrows() {
        AnswerSlots<Answer> slots = new AnswerSlots<>(16);
        for (int q = 1; q <= 10_000; q++) {
            slots.keep(q, new Answer(q, "a"));
        }
        assertEquals(16, slots.capacity());
    }

    /**
     * Once a quarter of its slots' worth of answers have replaced others, the table doubles, up to its bound and no
     * further; every answer kept before it grew is still found or lost, never another's, and the newest always found.
     */
    @Test
    void frequentReplacementsDoubleTheTableUpToItsBound() {
        AnswerSlots<Answer> slots = new AnswerSlots<>(16, 64);
        Random random = new Random(5);
        Map<Integer, Answer> reference = new HashMap<>();
        int[] capacities = new int[3];
        int grown = 0;
        for (int n = 0; n < 5_000; n++) {
            int question = 1 + random.nextInt(40);
            Answer a = find(slots, question);
            if (a != null) {
                assertSame(reference.get(question), a);
                continue;
            }
            int before = slots.capacity();
            Answer made = new Answer(question, "answer " + n);
            reference.put(question, made);
            slots.keep(question, made);
            assertSame(made, find(slots, question));
            if (slots.capacity() != before) {
                assertEquals(2 * before, slots.capacity());
                capacities[grown++] = slots.capacity();
            }
        }
        assertEquals(2, grown);
        assertEquals(32, capacities[0]);
        assertEquals(64, capacities[1]);
        assertEquals(64, slots.capacity());
    }

    /** A table that grew keeps the answers of every question it can still place, under the same hashes. */
    @Test
    void growingKeepsTheAnswersAlreadyKept() {
        AnswerSlots<Answer> slots = new AnswerSlots<>(8, 1024);
        Map<Integer, Answer> kept = new HashMap<>();
        for (int q = 1; slots.capacity() == 8; q++) {
            Answer a = new Answer(q, "a" + q);
            slots.keep(q, a);
            kept.put(q, a);
        }
        int found = 0;
        for (Map.Entry<Integer, Answer> e : kept.entrySet()) {
            Answer a = find(slots, e.getKey());
            if (a != null) {
                assertSame(e.getValue(), a);
                found++;
            }
        }
        // what the 8 slots held before the table doubled is all there, in 16
        assertTrue(found >= 8, "answers kept across the growth: " + found);
    }

    /** A question's first ask leaves a mark, no answer; its second finds the mark, and the answer goes in its slot. */
    @Test
    void answersKeptAtTheSecondAskTakeTheirMarksSlot() {
        AnswerSlots<Answer> slots = new AnswerSlots<>(64);
        assertFalse(slots.askedBefore(7));
        assertFalse(slots.emptyAt(7, 0), "the mark takes the first slot");
        assertNull(slots.at(7, 0), "a mark is no answer");
        assertTrue(slots.emptyAt(7, 1));
        assertTrue(slots.askedBefore(7));
        Answer a = new Answer(7, "seven");
        slots.keep(7, a);
        assertSame(a, slots.at(7, 0));
        assertTrue(slots.emptyAt(7, 1), "the answer took the mark's slot, not the next one");
        assertFalse(slots.askedBefore(7), "once answered, the hash has no mark: a miss now is a replaced answer's");
    }

    /** Questions asked twice in turn get their answers kept, found as {@link #find} finds them; asked once, none. */
    @Test
    void onlyQuestionsAskedTwiceAreAnswered() {
        AnswerSlots<Answer> slots = new AnswerSlots<>(1 << 12);
        Random random = new Random(5);
        Map<Integer, Answer> twice = new HashMap<>();
        for (int n = 0; n < 1500; n++) {
            int q = random.nextInt(1 << 20);
            if (twice.containsKey(q) || slots.askedBefore(q)) {
                continue;
            }
            if (random.nextBoolean()) {
                assertTrue(slots.askedBefore(q));
                Answer a = new Answer(q, "a" + q);
                slots.keep(q, a);
                twice.put(q, a);
            }
        }
        int found = 0;
        for (int q = 0; q < 1 << 20; q++) {
            Answer a = find(slots, q);
            if (a != null) {
                assertSame(twice.get(q), a, "only an answer kept at a second ask is found: " + q);
                found++;
            }
        }
        assertTrue(found > twice.size() * 9 / 10, found + " of " + twice.size());
    }
}
