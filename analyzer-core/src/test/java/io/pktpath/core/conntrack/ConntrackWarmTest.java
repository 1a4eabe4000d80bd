package io.pktpath.core.conntrack;

import static io.pktpath.core.conntrack.Pkts.MS;
import static io.pktpath.core.conntrack.Pkts.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.pktpath.core.engine.Packet;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

/**
 * Warming packets' lookups finds the ct of each (either direction) and hands exactly the kept slots of those cts'
 * directions to the slot reader, and changes nothing a lookup, a commit or the statistics would see.
 */
class ConntrackWarmTest {
    private final ConntrackTable table = new ConntrackTable(CtTimeouts.defaults());

    private Connection open(Packet first) {
        CtLookup.Created c = (CtLookup.Created) table.lookup(first, 0, first.timeNanos());
        return ((ConfirmResult.Confirmed) table.confirm(c.candidate(), first, first.timeNanos())).ct();
    }

    private long warm(List<Object> read, Packet... packets) {
        ToLongFunction<Object> reader = slot -> {
            read.add(slot);
            return 1;
        };
        return table.warm(packets, packets.length, 0, reader);
    }

    @Test
    void anEmptyTableHasNothingToRead() {
        List<Object> read = new ArrayList<>();
        assertEquals(0, warm(read, udp("10.0.0.1", 5000, "10.0.0.2", 53, 1, 0)));
        assertEquals(List.of(), read);
    }

    @Test
    void theSlotReaderGetsTheKeptSlotOfEachPacketsCtAndDirectionInOrder() {
        Connection a = open(udp("10.0.0.1", 5000, "10.0.0.2", 53, 1, 0));
        Connection b = open(udp("10.0.0.1", 5001, "10.0.0.2", 53, 2, 0));
        a.steadySlot(false, "a original");
        a.steadySlot(true, "a reply");
        b.steadySlot(true, "b reply");
        List<Object> read = new ArrayList<>();
        long sum = warm(read, udp("10.0.0.2", 53, "10.0.0.1", 5001, 3, MS), udp("10.0.0.1", 5000, "10.0.0.2", 53, 4, MS),
                udp("10.0.0.1", 7777, "10.0.0.2", 53, 5, MS), udp("10.0.0.1", 5001, "10.0.0.2", 53, 6, MS),
                udp("10.0.0.2", 53, "10.0.0.1", 5000, 7, MS));
        // b's original direction keeps nothing and port 7777 has no ct: three slots read, in the packets' order
        assertEquals(List.of("b reply", "a original", "a reply"), read);
        assertNotEquals(0, sum);
        read.clear();
        warm(read, udp("10.0.0.1", 5000, "10.0.0.2", 53, 8, MS), udp("10.0.0.1", 5000, "10.0.0.3", 53, 9, MS));
        assertEquals(List.of("a original"), read, "another destination is another tuple");
    }

    @Test
    void changesNothingALookupOrTheStatisticsShow() {
        open(udp("10.0.0.1", 5000, "10.0.0.2", 53, 1, 0));
        Packet second = udp("10.0.0.1", 5000, "10.0.0.2", 53, 2, 10 * MS);
        CtLookup.Existing before = (CtLookup.Existing) table.lookup(second, 0, second.timeNanos());
        ConntrackStats stats = table.stats();
        long warmed = warm(new ArrayList<>(), second);
        assertSame(before, table.lookup(second, 0, second.timeNanos()), "the same outcome object, as before warming");
        assertEquals(stats, table.stats());
        assertEquals(1, before.ct().packets(CtDirection.ORIGINAL));
        assertEquals(warmed, warm(new ArrayList<>(), second), "warming twice reads the same");
    }
}
