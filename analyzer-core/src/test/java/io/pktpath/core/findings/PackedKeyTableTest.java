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
                Integer out = table.put(key, i);
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

    @Test
    void rejectsNullValuesAndEmptyShapes() {
        assertThrows(IllegalArgumentException.class, () -> new PackedKeyTable<String>(0, 4));
        assertThrows(IllegalArgumentException.class, () -> new PackedKeyTable<String>(2, 0));
        assertThrows(IllegalArgumentException.class, () -> new PackedKeyTable<String>(2, 4).put(new long[2], null));
    }
}
