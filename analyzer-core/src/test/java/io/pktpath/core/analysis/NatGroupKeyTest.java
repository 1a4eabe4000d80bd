package io.pktpath.core.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.NatChange;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.net.IpAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The summary's NAT group key holds exactly what the group's text is made of: equal keys always mean equal texts (so
 * the remembered group is the one formatting would find), the key is absent exactly when the NAT changed nothing, and
 * every connection of one DNAT mapping shares one key.
 */
class NatGroupKeyTest {
    private static final IpAddress[] ADDRESSES = {IpAddress.v4(0x0a000001), IpAddress.v4(0x0a000002),
        IpAddress.v4(0x0a600001), IpAddress.v6(0, 0x0a000001), IpAddress.v6(0x20010db800000000L, 1), IpAddress.v4(0)};
    private static final int[] PROTOCOLS = {6, 17, 1, 132, 47};
    private static final int[] PORTS = {0, 80, 8080, 40000, 65535};

    private final Random random = new Random(4242);

    @Test
    void equalKeysMeanEqualTextsAndNoKeyMeansNoChange() {
        Map<List<Long>, List<String>> textOfKey = new HashMap<>();
        int unchanged = 0;
        for (int i = 0; i < 200_000; i++) {
            Tuple before = tuple();
            Tuple after = random.nextInt(6) == 0
                    ? new Tuple(before.protocol(), before.src(), before.sport(), before.dst(), before.dport())
                    : mutate(before);
            NatChange n = new NatChange(before, after, random.nextBoolean());
            boolean reply = random.nextBoolean();
            long[] key = new long[SummaryCollector.NAT_KEY_WORDS];
            boolean present = SummaryCollector.natKey(n, reply, key);
            assertEquals(n.changed(), present, n::toString);
            if (!present) {
                unchanged++;
                continue;
            }
            List<String> text = List.of(SummaryCollector.mapping(n)[0], SummaryCollector.mapping(n)[1],
                    SummaryCollector.mapping(n)[2], String.valueOf(reply));
            List<String> earlier = textOfKey.putIfAbsent(LongStream.of(key).boxed().toList(), text);
            if (earlier != null) {
                assertEquals(earlier, text, n::toString);
            }
        }
        assertTrue(unchanged > 10_000, "unchanged " + unchanged);
        assertTrue(textOfKey.size() > 1_000, "keys " + textOfKey.size());
    }

    @Test
    void connectionsOfOneDnatMappingShareOneKeyAndDirectionsDiffer() {
        IpAddress service = IpAddress.v4(0x0a600001);
        IpAddress endpoint = IpAddress.v4(0x0af40103);
        long[] first = new long[SummaryCollector.NAT_KEY_WORDS];
        long[] other = new long[SummaryCollector.NAT_KEY_WORDS];
        assertTrue(SummaryCollector.natKey(new NatChange(new Tuple(6, IpAddress.v4(0x0af40002), 33324, service, 80),
                new Tuple(6, IpAddress.v4(0x0af40002), 33324, endpoint, 8080), false), false, first));
        assertTrue(SummaryCollector.natKey(new NatChange(new Tuple(6, IpAddress.v4(0x0af40009), 41000, service, 80),
                new Tuple(6, IpAddress.v4(0x0af40009), 41000, endpoint, 8080), false), false, other));
        assertArrayEquals(first, other);
        assertTrue(SummaryCollector.natKey(new NatChange(new Tuple(6, IpAddress.v4(0x0af40002), 33324, service, 80),
                new Tuple(6, IpAddress.v4(0x0af40002), 33324, endpoint, 8080), false), true, other));
        assertFalse(Arrays.equals(first, other));
        assertFalse(SummaryCollector.natKey(new NatChange(new Tuple(6, service, 1, endpoint, 2),
                new Tuple(6, IpAddress.v4(0x0a600001), 1, IpAddress.v4(0x0af40103), 2), true), false, other));
        assertArrayEquals(new String[] {"DNAT", "10.96.0.1:80", "10.244.1.3:8080"}, SummaryCollector.mapping(
                new NatChange(new Tuple(6, IpAddress.v4(0x0af40009), 41000, service, 80),
                        new Tuple(6, IpAddress.v4(0x0af40009), 41000, endpoint, 8080), false)));
    }

    private Tuple tuple() {
        return new Tuple(pick(PROTOCOLS), ADDRESSES[random.nextInt(ADDRESSES.length)], pick(PORTS),
                ADDRESSES[random.nextInt(ADDRESSES.length)], pick(PORTS));
    }

    /** Changes one to three fields (an equal-valued but distinct address instance stands for "unchanged" too). */
    private Tuple mutate(Tuple t) {
        int protocol = t.protocol();
        IpAddress src = new IpAddress(t.src().family(), t.src().hi(), t.src().lo());
        int sport = t.sport();
        IpAddress dst = t.dst();
        int dport = t.dport();
        for (int changes = 1 + random.nextInt(3); changes > 0; changes--) {
            switch (random.nextInt(5)) {
                case 0 -> protocol = pick(PROTOCOLS);
                case 1 -> src = ADDRESSES[random.nextInt(ADDRESSES.length)];
                case 2 -> sport = pick(PORTS);
                case 3 -> dst = ADDRESSES[random.nextInt(ADDRESSES.length)];
                default -> dport = pick(PORTS);
            }
        }
        return new Tuple(protocol, src, sport, dst, dport);
    }

    private int pick(int[] values) {
        return values[random.nextInt(values.length)];
    }
}
