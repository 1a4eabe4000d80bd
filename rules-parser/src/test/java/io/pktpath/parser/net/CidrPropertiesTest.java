package io.pktpath.parser.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.diag.InvalidValueException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** CIDR and address parse/print round trips, with the JDK's address parser as an independent oracle. */
class CidrPropertiesTest {
    @Property
    void ipv4CidrPrintsAndParsesBack(@ForAll int bits, @ForAll @IntRange(min = 0, max = 32) int prefix) throws Exception {
        Cidr c = new Cidr(IpAddress.v4(bits), prefix);
        String printed = c.toString();
        assertEquals(new Cidr(c.network(), prefix), Cidr.parse(printed));
        byte[] jdk = InetAddress.getByName(printed.substring(0, printed.indexOf('/'))).getAddress();
        assertArrayEquals(ByteBuffer.allocate(4).putInt(c.network().v4Bits()).array(), jdk);
    }

    @Provide
    Arbitrary<IpAddress> v6() {
        Arbitrary<Integer> group = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(0)), net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 0xffff)));
        return group.list().ofSize(8).map(gs -> {
            long hi = 0;
            long lo = 0;
            for (int k = 0; k < 4; k++) {
                hi = (hi << 16) | gs.get(k);
                lo = (lo << 16) | gs.get(k + 4);
            }
            return IpAddress.v6(hi, lo);
        });
    }

    @Property
    void ipv6PrintsInRfc5952FormAndParsesBack(@ForAll("v6") IpAddress a, @ForAll @IntRange(min = 0, max = 128) int prefix)
            throws Exception {
        String text = a.toString();
        assertEquals(a, IpAddress.parse(text));
        byte[] jdk = InetAddress.getByName(text).getAddress();
        byte[] ours = ByteBuffer.allocate(16).putLong(a.hi()).putLong(a.lo()).array();
        if (jdk.length == 16) {
            assertArrayEquals(ours, jdk);
        }
        assertEquals(text.toLowerCase(java.util.Locale.ROOT), text);
        assertFalse(text.contains(":::"));
        assertTrue(text.indexOf("::") == text.lastIndexOf("::"), "at most one ::");
        if (!text.contains(".")) {
            checkCompression(a, text);
        }
        Cidr c = new Cidr(a, prefix);
        assertEquals(new Cidr(c.network(), prefix), Cidr.parse(c.toString()));
    }

    /** RFC 5952 §4.2: the longest run (first on a tie) of two or more zero groups is the one compressed; no leading zeros. */
    private static void checkCompression(IpAddress a, String text) {
        int[] groups = new int[8];
        for (int k = 0; k < 8; k++) {
            long word = k < 4 ? a.hi() : a.lo();
            groups[k] = (int) (word >>> (16 * (3 - (k & 3)))) & 0xffff;
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int k = 0; k < 8; k++) {
            int len = 0;
            while (k + len < 8 && groups[k + len] == 0) {
                len++;
            }
            if (len > bestLen) {
                bestLen = len;
                bestStart = k;
            }
        }
        java.util.List<String> parts = new java.util.ArrayList<>();
        for (int k = 0; k < 8; k++) {
            if (k == bestStart) {
                parts.add("");
                k += bestLen - 1;
                continue;
            }
            parts.add(Integer.toHexString(groups[k]));
        }
        String e = String.join(":", parts);
        if (bestStart == 0) {
            e = ":" + e;
        }
        if (bestStart >= 0 && bestStart + bestLen == 8) {
            e = e + ":";
        }
        assertEquals(e, text);
    }

    @Property
    void portRangesPrintAndParseBack(@ForAll @IntRange(min = 0, max = 65535) int a, @ForAll @IntRange(min = 0, max = 65535) int b)
            throws InvalidValueException {
        PortRange r = new PortRange(Math.min(a, b), Math.max(a, b));
        assertEquals(r, PortRange.parse(r.toString()));
        assertEquals(r, PortRange.parse(r.toString('-'), '-'));
        assertTrue(r.contains(r.from()) && r.contains(r.to()));
    }

    @Property
    void openEndedPortRanges(@ForAll @IntRange(min = 0, max = 65535) int p) throws InvalidValueException {
        assertEquals(new PortRange(0, p), PortRange.parse(":" + p));
        assertEquals(new PortRange(p, 65535), PortRange.parse(p + ":"));
    }

    @Provide
    Arbitrary<String> dottedMask() {
        return Combinators.combine(Arbitraries.integers().between(0, 32), Arbitraries.just(0)).as((len, x) ->
                IpAddress.formatV4(len == 0 ? 0 : -1 << (32 - len)));
    }

    @Property
    void dottedMasksBecomePrefixLengths(@ForAll("dottedMask") String mask) throws InvalidValueException {
        Cidr c = Cidr.parse("10.1.2.3/" + mask);
        assertEquals(mask, IpAddress.formatV4(c.prefixLength() == 0 ? 0 : -1 << (32 - c.prefixLength())));
    }
}
