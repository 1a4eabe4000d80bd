package io.pktpath.core.replay;

import io.pktpath.core.packet.Addresses;
import io.pktpath.parser.net.IpAddress;
import java.util.Arrays;
import java.util.Optional;

/**
 * One shared {@code Optional<IpAddress>} and its dotted-quad text (as ASCII bytes) per IPv4 address
 * seen lately (at most {@link #MAX_ADDRESSES}, then it starts over), in an open-addressing table keyed by the raw bits
 * that grows with the addresses it holds, so a lookup neither boxes the key nor formats the address again. One instance
 * serves one thread.
 */
final class Ipv4Interner {
    static final int MAX_ADDRESSES = 65_536;

    private int[] keys = new int[1024];
    @SuppressWarnings("unchecked")
    private Optional<IpAddress>[] addresses = new Optional[1024];
    private byte[][] asciiTexts = new byte[1024][];
    private int size;

    /**
     * The slot holding {@code bits}, filled on first sight: valid for {@link #addressAt} and {@link #asciiAt} until the
     * next call of this method (which may move or clear the table).
     */
    int slot(int bits) {
        int i = find(keys, addresses, bits);
        if (i >= 0) {
            return i;
        }
        if (size >= MAX_ADDRESSES) {
            Arrays.fill(addresses, null);
            Arrays.fill(asciiTexts, null);
            size = 0;
        } else if (size * 2 >= keys.length) {
            grow();
        }
        i = ~find(keys, addresses, bits);
        keys[i] = bits;
        addresses[i] = Optional.of(IpAddress.v4(bits));
        size++;
        return i;
    }

    /** The shared instance of the address in {@code slot} (from {@link #slot}). */
    Optional<IpAddress> addressAt(int slot) {
        return addresses[slot];
    }

    /**
     * The dotted-quad text of the address in {@code slot} (from {@link #slot}), as {@link IpAddress#toString()} writes
     * it, in ASCII bytes, made once per address.
     */
    byte[] asciiAt(int slot) {
        byte[] ascii = asciiTexts[slot];
        if (ascii == null) {
            ascii = PacketInfo.ascii(Addresses.appendV4(new StringBuilder(15), keys[slot]).toString());
            asciiTexts[slot] = ascii;
        }
        return ascii;
    }

    /** The slot of {@code bits}, or {@code ~slot} of the free slot where it would go. */
    private static int find(int[] keys, Optional<IpAddress>[] addresses, int bits) {
        int mask = keys.length - 1;
        int i = (bits * 0x9E3779B9 >>> 16 ^ bits * 0x9E3779B9) & mask;
        while (addresses[i] != null) {
            if (keys[i] == bits) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return ~i;
    }

    /** Doubles the table (at most to twice {@link #MAX_ADDRESSES} slots, so it stays at most half full). */
    private void grow() {
        int[] oldKeys = keys;
        Optional<IpAddress>[] oldAddresses = addresses;
        byte[][] oldAscii = asciiTexts;
        keys = new int[oldKeys.length * 2];
        @SuppressWarnings("unchecked")
        Optional<IpAddress>[] grown = new Optional[oldKeys.length * 2];
        addresses = grown;
        asciiTexts = new byte[oldKeys.length * 2][];
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldAddresses[j] != null) {
                int i = ~find(keys, addresses, oldKeys[j]);
                keys[i] = oldKeys[j];
                addresses[i] = oldAddresses[j];
                asciiTexts[i] = oldAscii[j];
            }
        }
    }
}
