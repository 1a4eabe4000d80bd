package io.pktpath.core.capture;

import java.nio.file.Path;
import java.util.function.IntFunction;

/** Reads classic pcap files (pcap-savefile(5)): both byte orders, microsecond and nanosecond magic. */
final class PcapReader extends CaptureReader {
    static final int FILE_HEADER = 24;
    static final int RECORD_HEADER = 16;
    /** Largest captured length accepted whatever the snaplen says (libpcap's MAXIMUM_SNAPLEN). */
    static final int MAX_SNAPLEN = 262144;
    private static final int RESYNC_SCAN_LIMIT = 1 << 20;

    private boolean bigEndian;
    private boolean nanos;
    private long snapLength;
    private int linkType;
    private long lastSeconds = -1;

    PcapReader(Path file, IntFunction<String> ifindexNames) {
        super(file, ifindexNames);
    }

    @Override
    public CaptureFormat format() {
        return CaptureFormat.PCAP;
    }

    @Override
    void readFrames(ByteWindow w, ReadContext ctx) {
        lastSeconds = -1;
        int h = w.ensure(0, FILE_HEADER);
        if (h < 0) {
            ctx.fileIssue(Severity.ERROR, "truncated-file-header",
                    "truncated file header (24 bytes needed, " + w.size() + " remain)", "a complete pcap file header", 0);
            return;
        }
        if (!readHeader(w.array(), h, ctx)) {
            return;
        }
        long pos = FILE_HEADER;
        while (pos < w.size()) {
            pos = readRecord(w, pos, ctx);
            if (pos < 0) {
                return;
            }
        }
    }

    private boolean readHeader(byte[] a, int h, ReadContext ctx) {
        int magic = Bytes.i32(a, h);
        bigEndian = magic == PCAP_MICROS || magic == PCAP_NANOS;
        nanos = Bytes.i32(a, h, bigEndian) == PCAP_NANOS;
        int major = Bytes.u16(a, h + 4, bigEndian);
        int minor = Bytes.u16(a, h + 6, bigEndian);
        if (major != 2) {
            ctx.fileIssue(Severity.WARNING, "unexpected-version", "pcap version " + major + "." + minor,
                    "version 2.4", 4);
        }
        snapLength = Bytes.u32(a, h + 16, bigEndian);
        linkType = Bytes.i32(a, h + 20, bigEndian) & 0xffff;
        ctx.addInterface(new CaptureInterface(0, 0, linkType, "", snapLength, nanos ? 1e9 : 1e6));
        return true;
    }

    /** Reads one record at {@code pos}; returns the next position, or -1 to stop. */
    private long readRecord(ByteWindow w, long pos, ReadContext ctx) {
        long remain = w.size() - pos;
        if (remain < RECORD_HEADER) {
            ctx.issue(Severity.ERROR, "truncated-record-header",
                    "truncated record header (16 bytes needed, " + remain + " remain)", "a complete record header", pos);
            return -1;
        }
        int i = w.ensure(pos, RECORD_HEADER);
        byte[] a = w.array();
        long seconds = Bytes.u32(a, i, bigEndian);
        long fraction = Bytes.u32(a, i + 4, bigEndian);
        long included = Bytes.u32(a, i + 8, bigEndian);
        long original = Bytes.u32(a, i + 12, bigEndian);
        if (included > maxRecord()) {
            return resync(w, pos, ctx, "implausible captured length " + included + " (snaplen " + snapLength + ")");
        }
        if (included > remain - RECORD_HEADER) {
            ctx.issue(Severity.ERROR, "truncated-record", "truncated record (header says " + included + " bytes, "
                    + (remain - RECORD_HEADER) + " remain)", "a complete record", pos);
            return -1;
        }
        checkRecord(seconds, fraction, included, original, pos, ctx);
        int d = w.ensure(pos + RECORD_HEADER, (int) included);
        long ts = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1000L);
        ctx.frame.set(ctx.nextFrameNumber(), ts, w.array(), d, (int) included, original, linkType, pos);
        ctx.deliver();
        lastSeconds = seconds;
        return pos + RECORD_HEADER + included;
    }

    private long maxRecord() {
        return Math.max(snapLength, MAX_SNAPLEN);
    }

    private void checkRecord(long seconds, long fraction, long included, long original, long pos, ReadContext ctx) {
        if (included == 0) {
            ctx.issue(Severity.WARNING, "zero-length-record", "zero-length record (original length " + original + ")",
                    "at least one captured byte", pos);
        }
        if (snapLength > 0 && included > snapLength) {
            ctx.issue(Severity.WARNING, "over-snaplen", "captured length " + included + " exceeds snaplen "
                    + snapLength, "a captured length of at most the snaplen", pos);
        }
        if (original < included) {
            ctx.issue(Severity.WARNING, "original-shorter", "original length " + original
                    + " is smaller than captured length " + included, "original length >= captured length", pos);
        }
        long unit = nanos ? 1_000_000_000L : 1_000_000L;
        if (fraction >= unit) {
            ctx.issue(Severity.WARNING, "bad-timestamp", "timestamp fraction " + fraction + (nanos ? " ns" : " µs")
                    + " out of range", "a fraction below " + unit, pos);
        }
    }

    /** Reports damage at {@code pos} and looks for the next plausible record; returns its position or -1. */
    private long resync(ByteWindow w, long pos, ReadContext ctx, String what) {
        long end = Math.min(w.size() - RECORD_HEADER, pos + RESYNC_SCAN_LIMIT);
        for (long p = pos + 1; p <= end; p++) {
            if (plausibleAt(w, p) && (followerEnd(w, p) == w.size() || plausibleAt(w, followerEnd(w, p)))) {
                ctx.issue(Severity.ERROR, "bad-record", what + "; skipped " + (p - pos)
                        + " bytes to the next plausible record", "a record header with a plausible length", pos);
                return p;
            }
        }
        ctx.issue(Severity.ERROR, "bad-record", what + "; no plausible record follows (" + (w.size() - pos)
                + " bytes not read)", "a record header with a plausible length", pos);
        return -1;
    }

    private long followerEnd(ByteWindow w, long p) {
        int i = w.ensure(p, RECORD_HEADER);
        return p + RECORD_HEADER + Bytes.u32(w.array(), i + 8, bigEndian);
    }

    private boolean plausibleAt(ByteWindow w, long p) {
        int i = w.ensure(p, RECORD_HEADER);
        if (i < 0) {
            return false;
        }
        byte[] a = w.array();
        long seconds = Bytes.u32(a, i, bigEndian);
        long fraction = Bytes.u32(a, i + 4, bigEndian);
        long included = Bytes.u32(a, i + 8, bigEndian);
        long original = Bytes.u32(a, i + 12, bigEndian);
        boolean timeOk = lastSeconds < 0 || Math.abs(seconds - lastSeconds) <= 86_400L * 366;
        return included > 0 && included <= maxRecord() && original >= included && original <= (1 << 24)
                && fraction < (nanos ? 1_000_000_000L : 1_000_000L) && timeOk
                && p + RECORD_HEADER + included <= w.size();
    }
}
