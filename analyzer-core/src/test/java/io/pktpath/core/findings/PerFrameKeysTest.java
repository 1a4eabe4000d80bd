package io.pktpath.core.findings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.PacketSummary;
import io.pktpath.parser.net.IpAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.ToIntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The per-frame keys and lookups of the trackers: hash codes that spread neighbouring flows over a hash table, the
 * allocation-free last-frame-per-source table against the {@code LinkedHashMap} it replaced, and the info-text
 * number and endpoint formatting against their former implementations.
 */
class PerFrameKeysTest {
    private final Random random = new Random(7);

    @Test
    void flowKeysOfNeighbouringPodsAndPortsSpreadOverTheTable() {
        IpAddress service = IpAddress.v4(0x0a600001);
        Packets.FlowKey[] keys = IntStream.range(0, 10_000)
                .mapToObj(i -> new Packets.FlowKey(6, IpAddress.v4(0x0af40000 + i / 100), 40_000 + i % 100,
                        service, 80))
                .toArray(Packets.FlowKey[]::new);
        assertSpread(keys, Packets.FlowKey::hashCode);
        // at least as well as a record hash (31 * h + field) over the fields' own (well-mixed) hash codes
        assertTrue(buckets(keys, Packets.FlowKey::hashCode) >= buckets(keys, k -> generatedHash(k)) * 9 / 10);
    }

    @Test
    void flowKeysCompareAllFields() {
        IpAddress a = IpAddress.v4(1);
        IpAddress b = IpAddress.v4(2);
        Packets.FlowKey k = new Packets.FlowKey(6, a, 1, b, 2);
        assertEquals(k, new Packets.FlowKey(6, IpAddress.v4(1), 1, b, 2));
        assertEquals(k.hashCode(), new Packets.FlowKey(6, IpAddress.v4(1), 1, b, 2).hashCode());
        assertEquals(new Packets.FlowKey(6, null, 1, null, 2), new Packets.FlowKey(6, null, 1, null, 2));
        assertTrue(!k.equals(new Packets.FlowKey(17, a, 1, b, 2)) && !k.equals(new Packets.FlowKey(6, b, 1, b, 2))
                && !k.equals(new Packets.FlowKey(6, a, 2, b, 2)) && !k.equals(new Packets.FlowKey(6, a, 1, a, 2))
                && !k.equals(new Packets.FlowKey(6, a, 1, b, 3)) && !k.equals(new Packets.FlowKey(6, null, 1, b, 2))
                && !new Packets.FlowKey(6, null, 1, b, 2).equals(k));
    }

    /** What the table keeps of a frame (its number, destination and port), or null. */
    private static String kept(PacketSummary p) {
        return p == null ? null : p.frame() + " " + p.dst() + " " + p.dport();
    }

    private static String kept(LastFromSource.Sent s) {
        return s == null ? null : s.frame + " " + Optional.ofNullable(s.dst) + " " + s.dport;
    }

    @Test
    void lastFromSourceBehavesLikeAnInsertionOrderedMapThatDropsItsEldest() {
        for (int capacity : new int[] {1, 2, 7, 50, 300}) {
            LastFromSource table = new LastFromSource(capacity);
            Map<String, PacketSummary> reference = new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, PacketSummary> eldest) {
                    return size() > capacity;
                }
            };
            IpAddress[] addresses = {IpAddress.v4(0x0af40001), IpAddress.v4(0x0af40002), IpAddress.v4(0),
                IpAddress.v6(0, 0x0af40001), IpAddress.v6(0x20010db800000000L, 1), IpAddress.v4(-1)};
            for (int i = 0; i < 20_000; i++) {
                int proto = random.nextBoolean() ? 6 : random.nextBoolean() ? 17 : 132;
                IpAddress address = addresses[random.nextInt(addresses.length)];
                int port = random.nextInt(capacity * 2 + 2) + (random.nextInt(10) == 0 ? 65_000 : 0);
                String key = proto + " " + address + " " + port;
                if (random.nextInt(3) == 0) {
                    assertEquals(kept(reference.get(key)), kept(table.get(proto, address, port)), key);
                } else {
                    PacketSummary p = summary(i);
                    reference.put(key, p);
                    table.put(proto, address, port, p);
                    assertEquals(reference.size(), table.size());
                }
            }
            for (IpAddress address : addresses) {
                for (int port = 0; port < capacity * 2 + 2; port++) {
                    for (int proto : new int[] {6, 17, 132}) {
                        assertEquals(kept(reference.get(proto + " " + address + " " + port)), kept(table.get(proto, address, port)));
                    }
                }
            }
        }
    }

    @Test
    void endpointsAndTupleKeysReadAsBefore() {
        for (int i = 0; i < 20_000; i++) {
            int family = random.nextBoolean() ? 4 : 6;
            Optional<IpAddress> src = address(family);
            Optional<IpAddress> dst = address(family);
            int sport = random.nextInt(5) == 0 ? -1 : random.nextInt(65536);
            int dport = sport < 0 ? -1 : random.nextInt(65536);
            PacketSummary p = new PacketSummary(i, 0, "eth0", "in", family, 17, src, dst, sport, dport, -1, 60, -1, -1, -1, "");
            Packets.FlowKey k = new Packets.FlowKey(17, src.orElse(null), sport, dst.orElse(null), dport);
            String old = oldEndpoints(k, family);
            assertEquals(old, Text.endpoints(p));
            assertEquals(old, Text.endpoints(k, family));
            assertEquals("17 " + old, Packets.tupleKey(p));
        }
    }

    private Optional<IpAddress> address(int family) {
        return switch (random.nextInt(5)) {
            case 0 -> Optional.empty();
            case 1 -> Optional.of(family == 4 ? IpAddress.v4(new int[] {0, -1, 0x0a000001}[random.nextInt(3)])
                    : IpAddress.v6(0, random.nextInt(3)));
            default -> Optional.of(family == 4 ? IpAddress.v4(random.nextInt()) : IpAddress.v6(random.nextLong(), random.nextLong()));
        };
    }

    /** {@code Text.endpoints} as it was written before it appended into one buffer. */
    private static String oldEndpoints(Packets.FlowKey k, int family) {
        String src = Optional.ofNullable(k.src()).map(Object::toString).orElse("?");
        String dst = Optional.ofNullable(k.dst()).map(Object::toString).orElse("?");
        if (k.sport() < 0) {
            return src + " > " + dst;
        }
        boolean v6 = family == 6;
        return (v6 ? "[" + src + "]" : src) + ":" + k.sport() + " > " + (v6 ? "[" + dst + "]" : dst) + ":" + k.dport();
    }

    /** The hash a record of these components generates: {@code 31 * h + hash(component)} from 0. */
    private static int generatedHash(Packets.FlowKey k) {
        int h = 0;
        for (Object c : new Object[] {k.proto(), Optional.ofNullable(k.src()), k.sport(), Optional.ofNullable(k.dst()),
            k.dport()}) {
            h = 31 * h + c.hashCode();
        }
        return h;
    }

    /** At most 8 keys (the treeify threshold) per bucket of a 16384-slot HashMap, and most buckets used. */
    static <K> void assertSpread(K[] keys, ToIntFunction<K> hash) {
        int[] perBucket = new int[16_384];
        for (K k : keys) {
            perBucket[bucket(hash.applyAsInt(k))]++;
        }
        int max = IntStream.of(perBucket).max().orElse(0);
        assertTrue(max <= 8, "max keys per bucket " + max);
        assertTrue(buckets(keys, hash) > keys.length * 6 / 10, "buckets used " + buckets(keys, hash));
    }

    static <K> int buckets(K[] keys, ToIntFunction<K> hash) {
        return (int) java.util.Arrays.stream(keys).mapToInt(k -> bucket(hash.applyAsInt(k))).distinct().count();
    }

    private static int bucket(int h) {
        return (h ^ (h >>> 16)) & 16_383;
    }

    private static PacketSummary summary(long frame) {
        // a destination and port per frame, so what the table keeps of a frame is checked, not only its number
        return new PacketSummary(frame, frame, "eth0", "in", 4, 6, Optional.empty(),
                Optional.of(IpAddress.v4((int) frame * 7)), 1, (int) (frame % 65_536), -1, 60, -1, -1, 0x10, "");
    }
}
