package io.pktpath.core.capture;

/** Unsigned reads of big- and little-endian integers from a byte array. */
public final class Bytes {
    private Bytes() {
    }

    /** Unsigned byte. */
    public static int u8(byte[] b, int i) {
        return b[i] & 0xff;
    }

    /** Unsigned 16-bit big-endian value. */
    public static int u16(byte[] b, int i) {
        return (b[i] & 0xff) << 8 | b[i + 1] & 0xff;
    }

    /** 32-bit big-endian value. */
    public static int i32(byte[] b, int i) {
        return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | b[i + 3] & 0xff;
    }

    /** 64-bit big-endian value. */
    public static long i64(byte[] b, int i) {
        return (long) i32(b, i) << 32 | i32(b, i + 4) & 0xffffffffL;
    }

    /** Unsigned 16-bit value in the given byte order. */
    public static int u16(byte[] b, int i, boolean bigEndian) {
        return bigEndian ? u16(b, i) : (b[i + 1] & 0xff) << 8 | b[i] & 0xff;
    }

    /** 32-bit value in the given byte order. */
    public static int i32(byte[] b, int i, boolean bigEndian) {
        return bigEndian ? i32(b, i)
                : (b[i + 3] & 0xff) << 24 | (b[i + 2] & 0xff) << 16 | (b[i + 1] & 0xff) << 8 | b[i] & 0xff;
    }

    /** Unsigned 32-bit value in the given byte order. */
    public static long u32(byte[] b, int i, boolean bigEndian) {
        return i32(b, i, bigEndian) & 0xffffffffL;
    }

    /** 64-bit value in the given byte order. */
    public static long i64(byte[] b, int i, boolean bigEndian) {
        return bigEndian ? i64(b, i) : u32(b, i + 4, false) << 32 | u32(b, i, false);
    }
}
