package io.pktpath.parser.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.iptables.target.NatRange;
import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.Digits;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.net.PortRange;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The in-place readings of IPv4 prefixes and DNAT host:port ranges give what {@link Cidr#parse} and
 * {@link NatRangeParser} give for the same text whenever they give anything, and compare a range with its rendering
 * exactly as {@link NatRange#render()} would.
 */
class InPlaceValuesTest {
    @Test
    void readsTheCommonFormsWithExactValues() {
        String line = "-s 10.244.1.2/32 -j DNAT --to-destination 10.244.1.2:8080";
        assertEquals(new Cidr(IpAddress.v4(0x0af40102), 32), Cidr.v4OrNull(line, 3, 16));
        NatRange range = InPlaceValues.v4HostPort(line, 42, line.length());
        Optional<IpAddress> a = Optional.of(IpAddress.v4(0x0af40102));
        assertEquals(new NatRange(a, a, Optional.of(PortRange.single(8080))), range);
        assertTrue(InPlaceValues.isV4HostPort(range));
        assertTrue(InPlaceValues.writesHostPort(line, 42, line.length(), range));
        assertFalse(InPlaceValues.writesHostPort("10.244.1.2:08080", 0, 16, range));
        assertFalse(InPlaceValues.writesHostPort("10.244.1.2:808", 0, 14, range));
        assertNull(Cidr.v4OrNull("10.0.0.1", 0, 8), "no slash: left to the general reading");
        assertNull(Cidr.v4OrNull("10.0.0.1/33", 0, 11));
        assertNull(Cidr.v4OrNull("10.0.0.1/255.0.0.0", 0, 18));
        assertNull(InPlaceValues.v4HostPort("10.0.0.1:65536", 0, 14));
        assertNull(InPlaceValues.v4HostPort("[10.0.0.1]:80", 0, 13));
        assertNull(InPlaceValues.v4HostPort("10.0.0.1-10.0.0.2:80", 0, 20));
        assertNull(InPlaceValues.v4HostPort("10.0.0.1:80-90", 0, 14));
        assertEquals(3, InPlaceValues.decimalAt("x120y", 1, 5, 120) - 1);
        assertEquals(-1, InPlaceValues.decimalAt("x12", 1, 3, 120));
        assertEquals(-1, Digits.asciiValue("123456", 0, 6, 5));
    }

    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> octet = Arbitraries.oneOf(Arbitraries.integers().between(0, 300).map(String::valueOf),
                Arbitraries.of("0", "00", "010", "255", "256", "", "x", "1٣"));
        Arbitrary<String> address = octet.list().ofMinSize(3).ofMaxSize(5).map(o -> String.join(".", o));
        Arbitrary<String> tail = Arbitraries.oneOf(Arbitraries.integers().between(0, 70000).map(String::valueOf),
                Arbitraries.of("", "08", "080", "32", "033", "1-2", "255.0.0.0", "9999999", "+1", "٨٠"));
        return Arbitraries.oneOf(
                address.flatMap(a -> tail.map(t -> a + "/" + t)),
                address.flatMap(a -> tail.map(t -> a + ":" + t)),
                Arbitraries.strings().withChars("0123456789.:/-[]x").ofMaxLength(24));
    }

    @Property(tries = 3000)
    void prefixAgreesWithCidrParse(@ForAll("texts") String text) {
        String line = " " + text + " ";
        Cidr inPlace = Cidr.v4OrNull(line, 1, line.length() - 1);
        if (inPlace == null) {
            return;
        }
        try {
            Cidr parsed = Cidr.parse(text);
            assertEquals(parsed, inPlace, text);
            assertEquals(AddressReader.printsAs(parsed, text), AddressReader.printsAsV4(inPlace, text.length(), true), text);
        } catch (InvalidValueException e) {
            throw new AssertionError(text + " read in place although Cidr.parse refuses it: " + e.getMessage());
        }
    }

    @Property(tries = 3000)
    void hostPortAgreesWithNatRangeParser(@ForAll("texts") String text) throws InvalidValueException {
        String line = " " + text + " ";
        NatRange inPlace = InPlaceValues.v4HostPort(line, 1, line.length() - 1);
        NatRange parsed;
        try {
            parsed = NatRangeParser.parse(text, new AddressReader(Optional.of(IpFamily.V4)));
        } catch (InvalidValueException e) {
            assertNull(inPlace, text + " read in place although NatRangeParser refuses it");
            return;
        }
        if (inPlace != null) {
            assertEquals(parsed, inPlace, text);
        }
        if (InPlaceValues.isV4HostPort(parsed)) {
            assertEquals(parsed.render().equals(text), InPlaceValues.writesHostPort(line, 1, line.length() - 1, parsed),
                    text);
        }
    }

    @Test
    void rangesOtherThanOneAddressAndOnePortAreNotHostPort() throws InvalidValueException {
        AddressReader v4 = new AddressReader(Optional.of(IpFamily.V4));
        for (String text : List.of("10.0.0.1", ":80", "10.0.0.1-10.0.0.2:80", "10.0.0.1:80-81")) {
            assertFalse(InPlaceValues.isV4HostPort(NatRangeParser.parse(text, v4)), text);
        }
        assertTrue(InPlaceValues.isV4HostPort(NatRangeParser.parse("10.0.0.1-10.0.0.1:80-80", v4)));
    }
}
