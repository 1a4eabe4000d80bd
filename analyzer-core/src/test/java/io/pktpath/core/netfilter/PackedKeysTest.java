package io.pktpath.core.netfilter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pktpath.core.netfilter.IndexKeys.Key;
import io.pktpath.parser.net.IpAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The packed table answers as a map filled with the same keys: lists written into their slot (one to three positions
 * below 2^20) and lists kept apart (longer ones, larger positions), any-destination keys, colliding and absent keys.
 */
class PackedKeysTest {
    @Test
    void answersAsAMapDoes() {
        Random random = new Random(11);
        Map<Key, int[]> expected = new HashMap<>();
        while (expected.size() < 3000) {
            Key k = Key.exact(IpAddress.v4(0x0a600000 | random.nextInt(4) << 8 | random.nextInt(256)),
                    random.nextBoolean() ? 6 : 17, 1 + random.nextInt(40));
            expected.putIfAbsent(k, positions(random));
        }
        PackedKeys table = new PackedKeys(expected);
        for (int c = 0; c < 4; c++) {
            for (int d = 0; d < 256; d++) {
                for (int proto : new int[] {6, 17, 1}) {
                    for (int port = 0; port <= 41; port++) {
                        Key k = Key.exact(IpAddress.v4(0x0a600000 | c << 8 | d), proto, port);
                        int[] got = table.get(k.hi(), k.lo(), proto, port);
                        int[] want = expected.get(k);
                        if (want == null) {
                            assertNull(got, k.toString());
                        } else {
                            assertArrayEquals(want, got, k.toString());
                        }
                    }
                }
            }
        }
        assertNull(table.get(1, 0, 6, 80), "an address of more than 32 bits is never a packed key");
    }

    @Test
    void anyDestinationKeysAndLargePositions() {
        Map<Key, int[]> keys = Map.of(
                Key.anyDestination(6, 30080), new int[] {0},
                Key.anyDestination(17, 30053), new int[] {(1 << 20) - 1, 1 << 20},
                Key.anyDestination(6, 30443), new int[] {1, 2, 3, 4},
                Key.anyDestination(132, 0), new int[] {5, 6, 7});
        PackedKeys table = new PackedKeys(keys);
        keys.forEach((k, v) -> assertArrayEquals(v, table.get(0, 0, k.proto(), k.port()), k.toString()));
        assertNull(table.get(0, 0, 6, 30053));
        assertThrows(IllegalArgumentException.class, () -> new PackedKeys(Map.of(Key.anyDestination(256, 1), new int[] {0})));
    }

    private static int[] positions(Random random) {
        int n = 1 + random.nextInt(random.nextInt(8) == 0 ? 9 : 3);
        int[] out = new int[n];
        int next = random.nextInt(4) == 0 ? (1 << 20) - 2 : random.nextInt(100_000);
        for (int i = 0; i < n; i++) {
            out[i] = next;
            next += 1 + random.nextInt(50);
        }
        return out;
    }
}
