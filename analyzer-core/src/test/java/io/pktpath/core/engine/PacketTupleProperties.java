package io.pktpath.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The allocation-free tuple comparison agrees with the plain one for every kind of packet. */
class PacketTupleProperties {

    @Property(tries = 2000)
    void hasTupleIsTupleEquals(@ForAll("packets") Packet p, @ForAll("packets") Packet other) {
        assertEquals(p.tuple().equals(other.tuple()), p.hasTuple(other.tuple()));
        assertEquals(true, p.hasTuple(p.tuple()));
    }

    @Property(tries = 500)
    void equalAddressesHashAlike(@ForAll int a, @ForAll long hi, @ForAll long lo) {
        assertEquals(IpAddress.v4(a), IpAddress.v4(a));
        assertEquals(IpAddress.v4(a).hashCode(), IpAddress.v4(a).hashCode());
        assertEquals(IpAddress.v6(hi, lo).hashCode(), IpAddress.v6(hi, lo).hashCode());
        assertEquals(false, IpAddress.v6(0, a & 0xffffffffL).equals(IpAddress.v4(a)));
    }

    @Provide
    Arbitrary<Packet> packets() {
        Arbitrary<Integer> protos = Arbitraries.of(Packet.TCP, Packet.UDP, Packet.ICMP, Packet.ICMPV6, Packet.SCTP, 47);
        Arbitrary<IpAddress> addrs = Arbitraries.integers().between(1, 3).map(i -> IpAddress.v4(0x0a000000 + i));
        Arbitrary<Integer> ports = Arbitraries.integers().between(0, 3);
        return net.jqwik.api.Combinators.combine(protos, addrs, addrs, ports, ports, ports, Arbitraries.of(true, false))
                .as((proto, src, dst, sport, dport, id, first) -> new Packet(1, 0, IpFamily.V4, proto, src, dst, sport,
                        dport, 0, 0, 0, 0, 1, 60, 64, proto == Packet.ICMP ? 8 : -1, 0, id, Optional.empty(), !first,
                        first, false, LinkClass.UNICAST, Optional.empty(), "eth0", "", "", "", false, 0, false));
    }
}
