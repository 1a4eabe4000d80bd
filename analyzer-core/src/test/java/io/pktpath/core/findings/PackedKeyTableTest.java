package io.pktpath.core.findings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link PackedKeyTable} against the {@code LinkedHashMap} in insertion order that drops its eldest key, which it
 * replaces: lookups, replaced values, the dropped values, the order of {@code forEach}, and {@code clear}.
 */
class PackedKeyTableTest {
    private final Random random = new Random(99);

    @Test
    void behavesLikeAnInsertionOrderedMapThatDropsItsEldest() {
        for (int width : new int[] {1, 2, 3, 6, 11}) {
            for (int capacity : new int[] {1, 2, 7, 50, 300}) {
                check(width, capacity);
            }
        }
    }

    private void check(int width, int capacity) {
        PackedKeyTable<Integer> table = new PackedKeyTable<>(width, capacity);
        List<Integer> dropped = new ArrayList<>();
        Map<List<Long>, Integer> reference = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<List<Long>, Integer> eldest) {
                if (size() > capacity) {
                    dropped.add(eldest.getValue());
                    return true;
                }
                return false;
            }
        };
        long[] key = new long[width + 1];
        for (int i = 0; i < 20_000; i++) {
            List<Long> words = new ArrayList<>();
            for (int w = 0; w < width; w++) {
                // few distinct values per word, so keys repeat, differ in one word only, and collide in probe runs
                long value = random.nextInt(10) == 0 ? random.nextLong() : random.nextInt(capacity + 2) - 1;
                key[w] = value;
                words.add(value);
            }
            key[width] = random.nextLong();
            if (random.nextInt(3) == 0) {
                assertEquals(reference.get(words), table.get(key), words::toString);
            } else {
                int before = dropped.size();
                reference.put(words, i);
                // half the writes through put, half as a tracker writes them: locate, then setAt or putAbsent
                Integer out = random.nextBoolean() ? table.put(key, i) : locateAndPut(table, key, i);
                assertEquals(dropped.size() > before ? dropped.get(before) : null, out, words::toString);
                assertEquals(reference.size(), table.size());
            }
            if (i % 997 == 0) {
                List<Integer> order = new ArrayList<>();
                table.forEach(order::add);
                assertEquals(new ArrayList<>(reference.values()), order);
            }
        }
        for (List<Long> words : new ArrayList<>(reference.keySet())) {
            for (int w = 0; w < width; w++) {
                key[w] = words.get(w);
            }
            assertEquals(reference.get(words), table.get(key));
        }
        table.clear();
        assertEquals(0, table.size());
        assertNull(table.get(key));
        table.put(key, 5);
        assertEquals(5, table.get(key));
    }

    private static Integer locateAndPut(PackedKeyTable<Integer> table, long[] key, int value) {
        int slot = table.locate(key);
        if (slot >= 0) {
            assertEquals(table.get(key), table.valueAt(slot));
            table.setAt(slot, value);
            return null;
        }
        assertNull(table.get(key));
        return table.putAbsent(slot, key, value);
    }

    @Test
    void putAbsentTakesOnlyTheFreeSlotALookupEndedOn() {
        PackedKeyTable<String> table = new PackedKeyTable<>(2, 4);
        long[] key = {3, 4};
        int where = table.locate(key);
        assertEquals(true, where < 0);
        assertNull(table.putAbsent(where, key, "a"));
        assertEquals("a", table.get(key));
        int slot = table.locate(key);
        assertEquals("a", table.valueAt(slot));
        assertThrows(IllegalArgumentException.class, () -> table.putAbsent(where, new long[] {5, 6}, "b"));
        assertThrows(IllegalArgumentException.class, () -> table.putAbsent(slot, key, "b"));
        assertThrows(IllegalArgumentException.class, () -> table.setAt(slot, null));
        assertThrows(IllegalArgumentException.class, () -> table.setAt(~where + 1 & 7, "c"));
        table.setAt(slot, "d");
        assertEquals("d", table.get(key));
        assertEquals(1, table.size());
    }

    @Test
    void rejectsNullValuesAndEmptyShapes() {
        assertThrows(IllegalArgumentException.class, () -> new PackedKeyTable<String>(0, 4));
        assertThrows(IllegalArgumentException.class, () -> new PackedKeyTable<String>(2, 0));
        assertThrows(IllegalArgumentException.class, () -> new PackedKeyTable<String>(2, 4).put(new long[2], null));
    }
}
