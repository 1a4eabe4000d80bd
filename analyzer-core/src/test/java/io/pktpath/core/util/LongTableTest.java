package io.pktpath.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The table answers exactly as a map filled with the same keys, negative and colliding keys included. */
class LongTableTest {
    @Test
    void answersAsAMapDoes() {
        Random random = new Random(7);
        Map<Long, String> expected = new HashMap<>();
        LongTable<String> table = new LongTable<>(5000);
        while (expected.size() < 5000) {
            long key = random.nextInt(20_000) - 10_000L << (random.nextBoolean() ? 32 : 0);
            if (expected.putIfAbsent(key, "v" + key) == null) {
                table.put(key, "v" + key);
            }
        }
        for (long probe = -12_000; probe <= 12_000; probe++) {
            assertEquals(expected.get(probe), table.get(probe), "key " + probe);
            assertEquals(expected.get(probe << 32), table.get(probe << 32), "key " + (probe << 32));
        }
    }

    @Test
    void emptyTableAndRefusedPuts() {
        LongTable<String> table = new LongTable<>(0);
        assertNull(table.get(0));
        table.put(0, "zero");
        assertEquals("zero", table.get(0));
        assertThrows(IllegalArgumentException.class, () -> table.put(0, "again"));
        assertThrows(IllegalArgumentException.class, () -> table.put(1, null));
    }
}
