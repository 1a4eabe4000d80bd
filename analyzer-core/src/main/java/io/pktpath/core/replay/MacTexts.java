package io.pktpath.core.replay;

import java.util.Optional;

/**
 * The text of the MAC addresses seen lately ({@link PacketConverter#mac}), in a small direct-mapped table: a node's
 * frames carry few distinct MACs, so most frames find theirs without formatting. One instance serves one thread.
 */
final class MacTexts {
    private static final int SLOTS = 1024;

    private final long[] keys = new long[SLOTS];
    @SuppressWarnings("unchecked")
    private final Optional<String>[] texts = new Optional[SLOTS];

    /** {@link PacketConverter#mac(long)} of {@code bits}. */
    Optional<String> text(long bits) {
        if (bits <= 0) {
            return Optional.empty();
        }
        int slot = (int) ((bits * 0x9E3779B97F4A7C15L) >>> 54);
        Optional<String> text = texts[slot];
        if (text == null || keys[slot] != bits) {
            text = PacketConverter.mac(bits);
            texts[slot] = text;
            keys[slot] = bits;
        }
        return text;
    }
}
