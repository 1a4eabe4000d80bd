package io.pktpath.gui.session;

import io.pktpath.parser.net.IpAddress;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * One string per address for the rows of a load: a capture names a few thousand addresses over millions of frames,
 * and each row holding its own copy of the text would cost more than the row. Bounded: past {@link #MAX} addresses (a
 * scan of a whole network) it starts again, which only makes later rows share less.
 */
final class AddressTexts {
    static final int MAX = 1 << 16;

    private final Map<IpAddress, String> texts = new HashMap<>();
    /**
     * The same texts by the identity of the address: the capture's decoder gives every frame of an IPv4 address one
     * shared instance, so most rows find their text without hashing the address.
     */
    private final Map<IpAddress, String> byIdentity = new IdentityHashMap<>();

    /** The text of {@code address}, the same string for every equal address while it is remembered. */
    String text(IpAddress address) {
        String t = byIdentity.get(address);
        if (t != null) {
            return t;
        }
        t = texts.get(address);
        if (t == null) {
            if (texts.size() >= MAX) {
                texts.clear();
            }
            t = address.toString();
            texts.put(address, t);
        }
        if (byIdentity.size() >= MAX) {
            byIdentity.clear();
        }
        byIdentity.put(address, t);
        return t;
    }
}
