package io.pktpath.core.conntrack;

import static io.pktpath.core.conntrack.Pkts.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * jhash2 is lookup3's hashword. The published lookup3 driver gives hashlittle("Four score and seven years ago", 30, 0)
 * = 0x17770551 and (…, 1) = 0xcd628161; on a little-endian host hashlittle of 30 bytes equals hashword of the 8
 * zero-padded words with initval reduced by 2 (hashword adds 4*8=32 to the seed, hashlittle adds 30).
 */
class Jhash2Test {
    private static int[] words(String text) {
        byte[] raw = new byte[32];
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, raw, 0, b.length);
        ByteBuffer buf = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) {
            w[i] = buf.getInt();
        }
        return w;
    }

    @Test
    void lookup3PublishedVectors() {
        int[] w = words("Four score and seven years ago");
        assertEquals(0x17770551, Jhash2.hash(w, -2));
        assertEquals(0xcd628161, Jhash2.hash(w, -1));
        assertEquals(0xdeadbeef, Jhash2.hash(new int[0], 0));
    }

    @Test
    void reciprocalScaleIsHighHalfOfTheProduct() {
        assertEquals(3, Jhash2.reciprocalScale(0xeed153ed, 4));
        assertEquals(0, Jhash2.reciprocalScale(0x217c6d4b, 4));
        assertEquals(0, Jhash2.reciprocalScale(-1, 0));
    }

    // Expected members computed with an independent implementation of the same kernel algorithm (Python):
    // j = jhash2([src as LE word, 0, 0, 0], dst word ^ zone); member = min + (j * 4 >> 32).
    @Test
    void rangeMemberMatchesTheKernelFormula() {
        String vip = "10.96.0.10";
        assertEquals(ip("10.2.0.5"), AddressChooser.choose(ip("10.1.0.2"), ip(vip), ip("10.2.0.2"), ip("10.2.0.5"), 0, false));
        assertEquals(ip("10.2.0.4"), AddressChooser.choose(ip("10.1.0.3"), ip(vip), ip("10.2.0.2"), ip("10.2.0.5"), 0, false));
        assertEquals(ip("10.2.0.2"), AddressChooser.choose(ip("10.1.0.7"), ip(vip), ip("10.2.0.2"), ip("10.2.0.5"), 0, false));
        assertEquals(ip("10.2.0.2"), AddressChooser.choose(ip("10.1.0.2"), ip(vip), ip("10.2.0.2"), ip("10.2.0.5"), 0, true));
        assertEquals(ip("10.2.0.3"), AddressChooser.choose(ip("10.1.0.7"), ip(vip), ip("10.2.0.2"), ip("10.2.0.5"), 0, true));
        assertEquals(ip("10.2.0.4"), AddressChooser.choose(ip("10.1.0.2"), ip(vip), ip("10.2.0.2"), ip("10.2.0.5"), 7, false));
    }

    // IPv6: four words hashed, seed = last destination word; same independent implementation.
    @Test
    void ipv6RangeMemberMatchesTheKernelFormula() {
        assertEquals(ip("fd00::102"), AddressChooser.choose(ip("2001:db8::1"), ip("fd00::10"), ip("fd00::100"), ip("fd00::103"), 0, false));
        assertEquals(ip("fd00::102"), AddressChooser.choose(ip("2001:db8::2"), ip("fd00::10"), ip("fd00::100"), ip("fd00::103"), 0, false));
        assertEquals(ip("fd00::101"), AddressChooser.choose(ip("fd00:1::5"), ip("fd00::10"), ip("fd00::100"), ip("fd00::103"), 0, false));
    }
}
