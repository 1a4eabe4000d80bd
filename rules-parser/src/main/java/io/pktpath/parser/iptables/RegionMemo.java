package io.pktpath.parser.iptables;

/**
 * Remembers what recent pieces of source text were read as, keyed by the text itself and looked up in place (a region
 * of a line, compared without cutting a string; a key is kept as its line and offsets, lines the model keeps anyway);
 * like {@link Names} it forgets everything at once when half full.
 */
final class RegionMemo<T> {
    private static final int FIBONACCI = 0x9E3779B9;

    private final int bits;
    private final int mask;
    private final int full;
    private final String[] lines;
    private final int[] starts;
    private final int[] lengths;
    private final Object[] values;
    /** Per slot: the generation that filled it (high 32 bits) and the key's hash (low 32 bits), as in {@link Names}. */
    private final long[] slots;
    private int generation = 1;
    private int count;

    /** A memo of {@code 2^bits} slots. */
    RegionMemo(int bits) {
        this.bits = bits;
        this.mask = (1 << bits) - 1;
        this.full = 1 << (bits - 1);
        this.lines = new String[1 << bits];
        this.starts = new int[1 << bits];
        this.lengths = new int[1 << bits];
        this.values = new Object[1 << bits];
        this.slots = new long[1 << bits];
    }

    /** The value kept for {@code line.substring(start, end)}, whose {@link Names#hash} is {@code hash}; else null. */
    @SuppressWarnings("unchecked")
    T get(String line, int start, int end, int hash) {
        int len = end - start;
        long filled = (long) generation << 32 | (hash & 0xffffffffL);
        int k = slot(hash);
        for (long m = slots[k]; (int) (m >>> 32) == generation; m = slots[k]) {
            if (m == filled && lengths[k] == len && line.regionMatches(start, lines[k], starts[k], len)) {
                return (T) values[k];
            }
            k = (k + 1) & mask;
        }
        return null;
    }

    /** Keeps {@code value} for {@code line.substring(start, end)} (not kept yet), whose hash is {@code hash}. */
    void put(String line, int start, int end, int hash, T value) {
        if (count == full) {
            generation++;
            count = 0;
        }
        long filled = (long) generation << 32 | (hash & 0xffffffffL);
        int k = slot(hash);
        while ((int) (slots[k] >>> 32) == generation) {
            k = (k + 1) & mask;
        }
        lines[k] = line;
        starts[k] = start;
        lengths[k] = end - start;
        values[k] = value;
        slots[k] = filled;
        count++;
    }

    private int slot(int hash) {
        return (hash * FIBONACCI) >>> (32 - bits);
    }
}
