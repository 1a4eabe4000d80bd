package io.pktpath.gui.session;

import io.pktpath.parser.net.IpAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * One string per address for the rows of a load: a capture names a few thousand addresses over millions of frames,
 * and each row holding its own copy of the text would cost more than the row. Bounded: past {@link #MAX} addresses (a
 * scan of a whole network) it starts again, which only makes later rows share less.
 */
final class AddressTexts {
    static final int MAX = 1 << 16;

    private final Map<IpAddress, String> texts = new HashMap<>();

    /** The text of {@code address}, the same string for every equal address while it is remembered. */
    String text(IpAddress address) {
        String t = texts.get(address);
        if (t == null) {
            if (texts.size() >= MAX) {
                texts.clear();
            }
            t = address.toString();
            texts.put(address, t);
        }
        return t;
    }
}
