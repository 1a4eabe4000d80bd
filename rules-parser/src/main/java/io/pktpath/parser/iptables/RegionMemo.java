package io.pktpath.parser.iptables;

/**
 * Remembers what recent pieces of source text were read as, keyed by the text itself and looked up in place (a region
 * of a line, compared without cutting a string; a key is kept as its line and offsets, lines the model keeps anyway);
 * like {@link Names} it forgets everything at once when half full ({@link GenerationSlots}).
 */
final class RegionMemo<T> {
    private final GenerationSlots slots;
    private final String[] lines;
    private final int[] starts;
    private final int[] lengths;
    private final Object[] values;

    /** A memo of {@code 2^bits} slots. */
    RegionMemo(int bits) {
        this.slots = new GenerationSlots(bits);
        int n = slots.capacity();
        this.lines = new String[n];
        this.starts = new int[n];
        this.lengths = new int[n];
        this.values = new Object[n];
    }

    /** The value kept for {@code line.substring(start, end)}, whose {@link Names#hash} is {@code hash}; else null. */
    @SuppressWarnings("unchecked")
    T get(String line, int start, int end, int hash) {
        int len = end - start;
        for (int k = slots.first(hash); slots.taken(k); k = slots.next(k)) {
            if (slots.holds(k, hash) && lengths[k] == len && line.regionMatches(start, lines[k], starts[k], len)) {
                return (T) values[k];
            }
        }
        return null;
    }

    /** Keeps {@code value} for {@code line.substring(start, end)} (not kept yet), whose hash is {@code hash}. */
    void put(String line, int start, int end, int hash, T value) {
        int k = slots.first(hash);
        while (slots.taken(k)) {
            k = slots.next(k);
        }
        k = slots.take(hash, k);
        lines[k] = line;
        starts[k] = start;
        lengths[k] = end - start;
        values[k] = value;
    }
}
