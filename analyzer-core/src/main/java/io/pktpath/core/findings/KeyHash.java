package io.pktpath.core.findings;

import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.net.IpAddress;

/**
 * Hash codes for the per-frame map keys of the trace consumers that spread every field over all 32 bits: the records'
 * generated hash codes ({@code 31 * h + field}) make keys of neighbouring addresses and ports collide in bulk.
 */
public final class KeyHash {
    private static final long STEP = 0x9E3779B97F4A7C15L;

    private KeyHash() {
    }

    /** Folds {@code value} into the running hash {@code h} (start with 0 and finish with {@link #finish}). */
    public static long add(long h, long value) {
        return (h + value) * STEP;
    }

    /** Folds an address (family, both halves) into {@code h}. */
    public static long add(long h, IpAddress a) {
        return add(add(add(h, a.isV4() ? 4 : 6), a.hi()), a.lo());
    }

    /** Folds a tuple (protocol, addresses, ports) into {@code h}. */
    public static long add(long h, Tuple t) {
        return add(add(add(add(add(h, t.protocol()), t.src()), t.sport()), t.dst()), t.dport());
    }

    /** The 32-bit hash code of a running hash: Murmur3's 64-bit finalizer, so every input bit reaches the low bits. */
    public static int finish(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h;
    }
}
