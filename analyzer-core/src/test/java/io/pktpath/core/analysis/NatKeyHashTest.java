package io.pktpath.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.net.IpAddress;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The summary's NAT-group key spreads the DNATed connections of neighbouring pods over a hash table. */
class NatKeyHashTest {
    private static final IpAddress SERVICE = IpAddress.v4(0x0a600a0b);

    @Test
    void dnatKeysOfNeighbouringPodsAndPortsSpreadOverTheTable() {
        SummaryCollector.NatKey[] keys = IntStream.range(0, 8_192).mapToObj(i -> {
            IpAddress client = IpAddress.v4(0x0af40000 + i / 64);
            Tuple before = new Tuple(6, client, 40_000 + i % 64, SERVICE, 80);
            Tuple after = new Tuple(6, client, 40_000 + i % 64, IpAddress.v4(0x0af45000 + i % 7), 8080);
            return new SummaryCollector.NatKey(before, after, false, i % 2 == 0);
        }).toArray(SummaryCollector.NatKey[]::new);
        int[] perBucket = new int[16_384];
        for (SummaryCollector.NatKey k : keys) {
            perBucket[bucket(k.hashCode())]++;
        }
        int max = IntStream.of(perBucket).max().orElse(0);
        assertTrue(max <= 8, "max keys per bucket " + max);
        long used = Arrays.stream(keys).mapToInt(k -> bucket(k.hashCode())).distinct().count();
        assertTrue(used > keys.length * 7 / 10, "buckets used " + used);
        long distinct = Arrays.stream(keys).mapToInt(SummaryCollector.NatKey::hashCode).distinct().count();
        assertTrue(distinct >= keys.length - 2, "distinct hash codes " + distinct);
    }

    @Test
    void equalKeysHashAlikeAndEveryFieldCounts() {
        Tuple a = new Tuple(6, IpAddress.v4(1), 2, IpAddress.v4(3), 4);
        Tuple b = new Tuple(6, IpAddress.v4(1), 2, IpAddress.v4(5), 4);
        SummaryCollector.NatKey k = new SummaryCollector.NatKey(a, b, false, false);
        SummaryCollector.NatKey same = new SummaryCollector.NatKey(new Tuple(6, IpAddress.v4(1), 2, IpAddress.v4(3), 4),
                new Tuple(6, IpAddress.v4(1), 2, IpAddress.v4(5), 4), false, false);
        assertEquals(k, same);
        assertEquals(k.hashCode(), same.hashCode());
        assertNotEquals(k, new SummaryCollector.NatKey(b, a, false, false));
        assertNotEquals(k, new SummaryCollector.NatKey(a, b, true, false));
        assertNotEquals(k, new SummaryCollector.NatKey(a, b, false, true));
        assertNotEquals(k.hashCode(), new SummaryCollector.NatKey(a, b, false, true).hashCode());
    }

    private static int bucket(int h) {
        return (h ^ (h >>> 16)) & 16_383;
    }
}
