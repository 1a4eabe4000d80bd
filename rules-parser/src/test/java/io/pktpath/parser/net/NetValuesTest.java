package io.pktpath.parser.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.diag.InvalidValueException;
import org.junit.jupiter.api.Test;

/** Fixed cases of the network value types, including the texts of their errors. */
class NetValuesTest {
    @Test
    void printsAsIptablesSaveDoes() throws InvalidValueException {
        assertEquals("10.0.0.0/8", Cidr.parse("10.1.2.3/8").toString());
        assertEquals("10.0.0.1/32", Cidr.parse("10.0.0.1").toString());
        assertEquals("10.0.0.0/16", Cidr.parse("10.0.0.0/255.255.0.0").toString());
        assertEquals("2001:db8::8d3:0:0:1/128", Cidr.parse("2001:db8:0:0:8d3:0:0:1").toString());
        assertEquals("::ffff:127.0.0.1/128", Cidr.parse("::ffff:127.0.0.1/128").toString());
        assertEquals("::/0", Cidr.any(IpFamily.V6).toString());
        assertEquals("default", Cidr.parse("0.0.0.0/0").toRouteString());
        assertEquals("1:0:0:1::1", IpAddress.parse("1:0:0:1:0:0:0:1").toString(), "the longer run is compressed");
        assertEquals("1::1:0:0:1:1", IpAddress.parse("1:0:0:1:0:0:1:1").toString(), "on a tie the first run is compressed");
    }

    @Test
    void containsAndMasking() throws InvalidValueException {
        Cidr c = Cidr.parse("192.168.0.0/16");
        assertTrue(c.contains(IpAddress.parse("192.168.255.1")));
        assertFalse(c.contains(IpAddress.parse("192.169.0.1")));
        assertFalse(c.contains(IpAddress.parse("fd00::1")));
        assertTrue(Cidr.parse("fd00::/8").contains(IpAddress.parse("fdff::1")));
    }

    @Test
    void errorsNameTheValueAndTheExpectation() {
        InvalidValueException e = assertThrows(InvalidValueException.class, () -> Cidr.parse("10.0.0.0/255.0.255.0"));
        assertEquals("non-contiguous netmask 255.0.255.0 in '10.0.0.0/255.0.255.0'", e.getMessage());
        e = assertThrows(InvalidValueException.class, () -> IpAddress.parse("1::2::3"));
        assertEquals("'1::2::3' is not an IPv6 address", e.getMessage());
        e = assertThrows(InvalidValueException.class, () -> PortRange.parse("80:70"));
        assertEquals("port range '80:70' runs backwards (80 > 70)", e.getMessage());
        e = assertThrows(InvalidValueException.class, () -> PortRange.parse("http"));
        assertEquals("'http' is not a port or port range", e.getMessage());
        assertThrows(InvalidValueException.class, () -> IpAddress.parse("1.2.3"));
        assertThrows(InvalidValueException.class, () -> IpAddress.parse("1.2.3.4.5"));
        assertThrows(InvalidValueException.class, () -> IpAddress.parse("01234::"));
    }
}
