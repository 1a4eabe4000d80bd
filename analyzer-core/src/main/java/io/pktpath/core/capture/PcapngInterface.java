package io.pktpath.core.capture;

/** Per-interface state of a pcapng section: link type, name, snaplen and timestamp conversion. */
final class PcapngInterface {
    final int id;
    final int linkType;
    final long snapLength;
    String name = "";
    boolean base2;
    int exponent = 6;
    long offsetSeconds;

    PcapngInterface(int id, int linkType, long snapLength) {
        this.id = id;
        this.linkType = linkType;
        this.snapLength = snapLength;
    }

    /** Sets the resolution from an {@code if_tsresol} byte: high bit set means 2^-n, else 10^-n. */
    void resolution(int tsresol) {
        base2 = (tsresol & 0x80) != 0;
        exponent = Math.min(tsresol & 0x7f, base2 ? 62 : 27);
    }

    double unitsPerSecond() {
        return base2 ? Math.pow(2, exponent) : Math.pow(10, exponent);
    }

    /** Converts a raw 64-bit timestamp (unsigned ticks) to epoch nanoseconds. */
    long toNanos(long ticks) {
        long nanos;
        if (base2) {
            long seconds = ticks >>> exponent;
            long fraction = exponent == 0 ? 0 : ticks & ((1L << exponent) - 1);
            long fracNanos = (long) (fraction * 1e9 / Math.pow(2, exponent));
            nanos = seconds * 1_000_000_000L + fracNanos;
        } else if (exponent <= 9) {
            nanos = ticks * POW10[9 - exponent];
        } else {
            nanos = Long.divideUnsigned(ticks, POW10[Math.min(exponent - 9, 18)]);
        }
        return nanos + offsetSeconds * 1_000_000_000L;
    }

    CaptureInterface describe(int section) {
        return new CaptureInterface(section, id, linkType, name, snapLength, unitsPerSecond());
    }

    private static final long[] POW10 = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
        100_000_000L, 1_000_000_000L, 10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L, 10_000_000_000_000L,
        100_000_000_000_000L, 1_000_000_000_000_000L, 10_000_000_000_000_000L, 100_000_000_000_000_000L,
        1_000_000_000_000_000_000L};
}
