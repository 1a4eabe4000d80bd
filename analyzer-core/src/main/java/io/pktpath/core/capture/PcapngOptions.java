package io.pktpath.core.capture;

import java.nio.charset.StandardCharsets;

/** Walks pcapng options (code, length, value padded to 4 bytes) up to {@code opt_endofopt}. */
final class PcapngOptions {
    /** Receives one option: its code and the position and length of its value. */
    @FunctionalInterface
    interface OptionSink {
        void option(int code, int offset, int length);
    }

    private PcapngOptions() {
    }

    static void forEach(byte[] a, int from, int to, boolean bigEndian, OptionSink sink, Runnable overrun) {
        int p = from;
        while (p + 4 <= to) {
            int code = Bytes.u16(a, p, bigEndian);
            int len = Bytes.u16(a, p + 2, bigEndian);
            if (code == 0) {
                return;
            }
            if (p + 4 + len > to) {
                overrun.run();
                return;
            }
            sink.option(code, p + 4, len);
            p += 4 + ((len + 3) & ~3);
        }
    }

    /** The 4-byte value of the first option {@code code} (e.g. {@code epb_flags}), or 0 if absent or malformed. */
    static int findInt(byte[] a, int from, int to, boolean bigEndian, int wanted) {
        int p = from;
        while (p + 4 <= to) {
            int code = Bytes.u16(a, p, bigEndian);
            int len = Bytes.u16(a, p + 2, bigEndian);
            if (code == 0 || p + 4 + len > to) {
                return 0;
            }
            if (code == wanted && len >= 4) {
                return Bytes.i32(a, p + 4, bigEndian);
            }
            p += 4 + ((len + 3) & ~3);
        }
        return 0;
    }

    /** A UTF-8 option value without trailing NUL bytes. */
    static String string(byte[] a, int off, int len) {
        int end = off + len;
        while (end > off && a[end - 1] == 0) {
            end--;
        }
        return new String(a, off, end - off, StandardCharsets.UTF_8);
    }
}
