package io.pktpath.core.conntrack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.pktpath.core.engine.LinkClass;
import io.pktpath.core.engine.Packet;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The inline-key slot table answers every lookup exactly as a HashMap fed the same puts and removes. */
class CtSlotsProperties {
    /** One operation: put (kind 0), remove (kind 1) or get (kind 2) of a key. */
    record Op(int kind, CtKey key) {
    }

    @Property(tries = 300)
    void answersAsAHashMap(@ForAll("ops") List<Op> ops) {
        CtSlots slots = new CtSlots();
        Map<CtKey, CtIndex.Slot> model = new HashMap<>();
        int n = 0;
        for (Op op : ops) {
            switch (op.kind()) {
                case 0 -> {
                    CtIndex.Slot s = slot(++n);
                    slots.put(op.key(), s.ct(), s.direction());
                    model.put(op.key(), s);
                }
                case 1 -> {
                    slots.remove(op.key());
                    model.remove(op.key());
                }
                default -> assertEquals(model.get(op.key()), slots.get(op.key()));
            }
            assertEquals(model.size(), slots.size());
        }
        for (Op op : ops) {
            assertEquals(model.get(op.key()), slots.get(op.key()), op.key().toString());
        }
        Map<Connection, Boolean> seen = new IdentityHashMap<>();
        slots.forEachOriginal(c -> assertEquals(null, seen.put(c, true), "each ct once"));
        Map<Connection, Boolean> expected = new IdentityHashMap<>();
        model.values().stream().filter(s -> s.direction() == CtDirection.ORIGINAL).forEach(s -> expected.put(s.ct(), true));
        assertEquals(expected, seen);
    }

    @Property(tries = 1000)
    void packetLookupFindsTheKeyOfItsTuple(@ForAll("packets") Packet p, @ForAll("others") List<Packet> others) {
        CtSlots slots = new CtSlots();
        Map<CtKey, CtIndex.Slot> model = new HashMap<>();
        int n = 0;
        for (Packet o : others) {
            CtIndex.Slot s = slot(++n);
            slots.put(CtKey.of(0, o), s.ct(), s.direction());
            model.put(CtKey.of(0, o), s);
        }
        CtIndex.Slot mine = slot(-1);
        slots.put(CtKey.of(7, p), mine.ct(), mine.direction());
        assertEquals(mine, at(slots, 7, p));
        assertEquals(model.get(CtKey.of(0, p)), at(slots, 0, p));
        slots.remove(CtKey.of(7, p));
        assertNull(at(slots, 7, p));
        assertEquals(model.get(CtKey.of(0, p)), at(slots, 0, p));
    }

    @Property(tries = 300)
    void lookupsInAGroupFindWhatEachLookupFinds(@ForAll("others") List<Packet> stored, @ForAll("others") List<Packet> asked) {
        CtSlots slots = new CtSlots();
        Map<CtKey, Connection> model = new HashMap<>();
        int n = 0;
        for (Packet o : stored) {
            CtIndex.Slot s = slot(++n);
            slots.put(CtKey.of(0, o), s.ct(), s.direction());
            model.put(CtKey.of(0, o), s.ct());
        }
        asked.addAll(stored.subList(0, stored.size() / 2));
        Packet[] group = asked.toArray(Packet[]::new);
        int[] found = new int[group.length];
        slots.indexesOf(0, group, group.length, found);
        for (int i = 0; i < group.length; i++) {
            assertEquals(slots.indexOf(0, group[i]), found[i]);
            assertEquals(model.get(CtKey.of(0, group[i])), found[i] < 0 ? null : slots.ct(found[i]));
        }
    }

    /** What the packet lookup finds, as a slot (null when nothing). */
    private static CtIndex.Slot at(CtSlots slots, int zone, Packet p) {
        int i = slots.indexOf(zone, p);
        return i < 0 ? null : new CtIndex.Slot(slots.ct(i), slots.direction(i));
    }

    private static CtIndex.Slot slot(int n) {
        Connection c = new Connection(n, 0, Pkts.tuple(Packet.UDP, "10.0.0.1", n & 0xffff, "10.0.0.2", 53),
                Pkts.tuple(Packet.UDP, "10.0.0.2", 53, "10.0.0.1", n & 0xffff), -1, false, List.of(), TcpState.NONE, 0, 0);
        return new CtIndex.Slot(c, n % 2 == 0 ? CtDirection.ORIGINAL : CtDirection.REPLY);
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        // few distinct values per field, so keys repeat (overwrites, removes of present keys) and probe runs form
        Arbitrary<Long> words = Arbitraries.of(0L, 1L, 0x0a000001L, -1L, 0x20010db800000000L);
        Arbitrary<Integer> small = Arbitraries.of(0, 1, 53, 65535, -1);
        Arbitrary<CtKey> keys = Combinators.combine(Arbitraries.of(0, 1), Arbitraries.of(6, 17, 0x101), words, words,
                small, small, Arbitraries.of(0, 8, 255, -1)).as((zone, proto, lo1, lo2, sport, dport, type) ->
                new CtKey(zone, proto, lo1 == -1L ? 1 : 0, lo1, 0, lo2, sport, dport, type));
        Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 2), keys).as(Op::new);
        return op.list().ofMinSize(0).ofMaxSize(400);
    }

    @Provide
    Arbitrary<Packet> packets() {
        Arbitrary<Integer> protos = Arbitraries.of(Packet.TCP, Packet.UDP, Packet.ICMP, Packet.ICMPV6, 47);
        Arbitrary<IpAddress> addrs = Arbitraries.of(IpAddress.v4(0x0a000001), IpAddress.v4(0x0a000002),
                IpAddress.v6(0x20010db800000000L, 1));
        Arbitrary<Integer> numbers = Arbitraries.of(0, 1, 53, 8, 0, 65535);
        return Combinators.combine(protos, addrs, addrs, numbers, numbers, numbers, Arbitraries.of(true, false))
                .as((proto, src, dst, port, id, type, first) -> new Packet(1, 0,
                        src.isV4() ? IpFamily.V4 : IpFamily.V6, proto, src, dst, port, port + 1, 0, 0, 0, 0, 1, 60, 64,
                        type, 0, id, Optional.empty(), !first, first, false,
                        LinkClass.UNICAST, Optional.empty(), "eth0", "",
                        "", "", false, 0, false));
    }

    @Provide
    Arbitrary<List<Packet>> others() {
        return packets().list().ofMaxSize(120).map(ArrayList::new);
    }
}
