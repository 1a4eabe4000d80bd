package io.pktpath.core.conntrack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.engine.LinkClass;
import io.pktpath.core.engine.Packet;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A packet's conntrack key made from its fields is the key of its tuple, for every protocol and fragment kind. */
class CtKeyProperties {

    @Property(tries = 3000)
    void keyOfPacketIsKeyOfItsTuple(@ForAll("packets") Packet p, @ForAll("zones") int zone) {
        assertEquals(CtKey.of(zone, p.tuple(), p.icmpType()), CtKey.of(zone, p));
    }

    @Provide
    Arbitrary<Integer> zones() {
        return Arbitraries.of(0, 1, 65535);
    }

    @Provide
    Arbitrary<Packet> packets() {
        Arbitrary<Integer> protos = Arbitraries.of(Packet.TCP, Packet.UDP, Packet.ICMP, Packet.ICMPV6, Packet.SCTP, 47, 136);
        Arbitrary<IpAddress> addrs = Arbitraries.of(IpAddress.v4(0x0a000001), IpAddress.v4(0x0a000002),
                IpAddress.v6(0x20010db800000000L, 1), IpAddress.v6(0, 0x0a000001));
        Arbitrary<Integer> numbers = Arbitraries.integers().between(-1, 70000);
        return Combinators.combine(protos, addrs, addrs, numbers, numbers, numbers, numbers, Arbitraries.of(true, false))
                .as((proto, src, dst, sport, dport, id, type, first) -> new Packet(1, 0,
                        src.isV4() ? IpFamily.V4 : IpFamily.V6, proto, src, dst, sport, dport, 0, 0, 0, 0, 1, 60, 64,
                        type, 0, id, Optional.empty(), !first, first, false,
                        LinkClass.UNICAST, Optional.empty(), "eth0", "",
                        "", "", false, 0, false));
    }
}
