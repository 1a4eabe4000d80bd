package io.pktpath.core.conntrack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.pktpath.core.engine.Packet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The by-source index lists exactly the cts of one (zone, protocol, address, port), oldest first, through removals and
 * through the growth of its bucket array; removing a ct that is not in changes nothing.
 */
class SourceChainsTest {
    private static Connection ct(long id, int zone, int proto, String src, int sport, String dst) {
        return new Connection(id, zone, Pkts.tuple(proto, src, sport, dst, 53), Pkts.tuple(proto, dst, 53, src, sport), -1,
                false, List.of(), TcpState.NONE, 0, 0);
    }

    private static List<Long> ids(List<Connection> cts) {
        return cts.stream().map(Connection::id).toList();
    }

    @Test
    void listsOneSourceOldestFirstAcrossRemovals() {
        SourceChains chains = new SourceChains();
        Connection a = ct(1, 0, Packet.UDP, "10.1.0.2", 5000, "8.8.8.8");
        Connection otherPort = ct(2, 0, Packet.UDP, "10.1.0.2", 5001, "8.8.8.8");
        Connection b = ct(3, 0, Packet.UDP, "10.1.0.2", 5000, "9.9.9.9");
        Connection otherZone = ct(4, 7, Packet.UDP, "10.1.0.2", 5000, "8.8.8.8");
        Connection otherProto = ct(5, 0, Packet.TCP, "10.1.0.2", 5000, "8.8.8.8");
        Connection c = ct(6, 0, Packet.UDP, "10.1.0.2", 5000, "1.1.1.1");
        for (Connection x : List.of(a, otherPort, b, otherZone, otherProto, c)) {
            chains.add(x);
        }
        assertEquals(List.of(1L, 3L, 6L), ids(chains.of(0, a.original())));
        assertEquals(List.of(4L), ids(chains.of(7, a.original())));
        assertEquals(List.of(5L), ids(chains.of(0, otherProto.original())));
        chains.remove(b);
        assertNull(b.sourceNext());
        assertEquals(List.of(1L, 6L), ids(chains.of(0, a.original())));
        chains.remove(b);
        chains.remove(ct(9, 0, Packet.UDP, "10.1.0.2", 5000, "8.8.8.8"));
        assertEquals(5, chains.size());
        chains.remove(a);
        chains.remove(c);
        assertEquals(List.of(), chains.of(0, a.original()));
        assertEquals(List.of(2L), ids(chains.of(0, otherPort.original())));
    }

    @Test
    void keepsEachSourcesOrderWhenItsBucketsGrow() {
        SourceChains chains = new SourceChains();
        List<Connection> all = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            // 50 sources, 100 cts each, added interleaved so every source has cts from before and after each growth
            Connection x = ct(i + 1, 0, Packet.UDP, "10.1." + (i % 50) + ".2", 40000, "10.96.0." + (i / 50));
            all.add(x);
            chains.add(x);
        }
        for (int i = 0; i < 5000; i += 3) {
            chains.remove(all.get(i));
        }
        assertEquals(5000 - 1667, chains.size());
        for (int s = 0; s < 50; s++) {
            List<Long> expected = new ArrayList<>();
            for (int i = s; i < 5000; i += 50) {
                if (i % 3 != 0) {
                    expected.add(i + 1L);
                }
            }
            assertEquals(expected, ids(chains.of(0, all.get(s).original())), "source " + s);
        }
    }
}
