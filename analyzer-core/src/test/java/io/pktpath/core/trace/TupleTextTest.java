package io.pktpath.core.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.packet.Addresses;
import io.pktpath.parser.net.IpAddress;
import org.junit.jupiter.api.Test;

/** How a tuple and an endpoint are written: ports after a colon, IPv6 in brackets, no port for portless protocols. */
class TupleTextTest {
    private static final IpAddress POD = IpAddress.v4(0x0af40103);
    private static final IpAddress SVC = IpAddress.v4(0x0a60000a);
    private static final IpAddress V6 = IpAddress.v6(0x20010db800000000L, 1);

    @Test
    void tcpTupleHasPorts() {
        Tuple t = new Tuple(6, POD, 43210, SVC, 80);
        assertEquals("10.244.1.3:43210 -> 10.96.0.10:80", t.toString());
        assertEquals("10.244.1.3:43210", t.appendSource(new StringBuilder()).toString());
        assertEquals("x 10.96.0.10:80", t.appendDestination(new StringBuilder("x ")).toString());
    }

    @Test
    void ipv6EndpointsAreBracketed() {
        Tuple t = new Tuple(17, V6, 53, V6, 5353);
        assertEquals("[2001:db8::1]:53 -> [2001:db8::1]:5353", t.toString());
        assertEquals("[2001:db8::1]:8080", Addresses.endpoint(V6, 8080));
        assertEquals("10.96.0.10:443", Addresses.endpoint(SVC, 443));
    }

    @Test
    void icmpTupleHasNoPorts() {
        assertEquals("10.244.1.3 -> 10.96.0.10", new Tuple(1, POD, 7, SVC, 0).toString());
        assertEquals("2001:db8::1 -> 2001:db8::1", new Tuple(58, V6, 7, V6, 0).toString());
    }
}
