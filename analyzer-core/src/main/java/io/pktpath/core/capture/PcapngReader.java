package io.pktpath.core.capture;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Reads pcapng files (draft-ietf-opsawg-pcapng): sections in either byte order, IDB options, EPB, SPB and obsolete
 * packet blocks; other blocks are skipped by their length, damaged ones reported and skipped by re-synchronizing.
 */
final class PcapngReader extends CaptureReader {
    static final int IDB = 1;
    static final int OBSOLETE_PB = 2;
    static final int SPB = 3;
    static final int NRB = 4;
    static final int ISB = 5;
    static final int EPB = 6;
    static final int BYTE_ORDER_MAGIC = 0x1a2b3c4d;
    private static final int MAX_BLOCK = 1 << 26;
    private static final int RESYNC_SCAN_LIMIT = 1 << 20;

    private final List<PcapngInterface> interfaces = new ArrayList<>();
    private boolean bigEndian;
    private int section = -1;

    PcapngReader(Path file, IntFunction<String> ifindexNames) {
        super(file, ifindexNames);
    }

    @Override
    public CaptureFormat format() {
        return CaptureFormat.PCAPNG;
    }

    @Override
    void readFrames(ByteWindow w, ReadContext ctx) {
        interfaces.clear();
        section = -1;
        bigEndian = false;
        long pos = 0;
        while (pos < w.size() && pos >= 0) {
            pos = readBlock(w, pos, ctx);
        }
    }

    /** Reads the block at {@code pos}; returns the next block's position or -1 to stop. */
    private long readBlock(ByteWindow w, long pos, ReadContext ctx) {
        long remain = w.size() - pos;
        if (remain < 12) {
            ctx.issue(Severity.ERROR, "truncated-block", "truncated block header (12 bytes needed, " + remain
                    + " remain)", "a complete block", pos);
            return -1;
        }
        int i = w.ensure(pos, 12);
        byte[] a = w.array();
        int type = Bytes.i32(a, i);
        if (type == PCAPNG_SHB && !sectionByteOrder(a, i, pos, ctx)) {
            return resync(w, pos, ctx, "section header with an unknown byte-order magic");
        }
        type = Bytes.i32(a, i, bigEndian);
        long length = Bytes.u32(a, i + 4, bigEndian);
        if (length < 12 || length % 4 != 0 || length > MAX_BLOCK) {
            return resync(w, pos, ctx, "bad block length " + length + " for block type 0x" + Integer.toHexString(type));
        }
        if (length > remain) {
            ctx.issue(Severity.ERROR, "truncated-block", "truncated block of type 0x" + Integer.toHexString(type)
                    + " (header says " + length + " bytes, " + remain + " remain)", "a complete block", pos);
            return -1;
        }
        long trailer = trailer(w, pos, length);
        if (trailer != length) {
            return resync(w, pos, ctx, "block length " + length + " does not match trailing length " + trailer);
        }
        if (section < 0 || type == IDB || type == EPB || type == SPB || type == OBSOLETE_PB) {
            i = w.ensure(pos, (int) length);
            dispatch(type, w.array(), i, (int) length, pos, ctx);
        }
        return pos + length;
    }

    private boolean sectionByteOrder(byte[] a, int i, long pos, ReadContext ctx) {
        int bom = Bytes.i32(a, i + 8);
        if (bom == BYTE_ORDER_MAGIC) {
            bigEndian = true;
        } else if (Bytes.i32(a, i + 8, false) == BYTE_ORDER_MAGIC) {
            bigEndian = false;
        } else {
            return false;
        }
        section++;
        interfaces.clear();
        return true;
    }

    private void dispatch(int type, byte[] a, int i, int length, long pos, ReadContext ctx) {
        if (section < 0) {
            ctx.fileIssue(Severity.ERROR, "no-section-header", "block of type 0x" + Integer.toHexString(type)
                    + " before any section header", "a section header block first", pos);
            return;
        }
        switch (type) {
            case IDB -> interfaceBlock(a, i, length, pos, ctx);
            case EPB -> packetBlock(a, i, length, pos, ctx, false);
            case OBSOLETE_PB -> packetBlock(a, i, length, pos, ctx, true);
            case SPB -> simplePacketBlock(a, i, length, pos, ctx);
            default -> { }
        }
    }

    private void interfaceBlock(byte[] a, int i, int length, long pos, ReadContext ctx) {
        if (length < 20) {
            malformed(ctx, pos, "interface description block of " + length + " bytes", "at least 20 bytes");
            return;
        }
        PcapngInterface itf = new PcapngInterface(interfaces.size(), Bytes.u16(a, i + 8, bigEndian),
                Bytes.u32(a, i + 12, bigEndian));
        PcapngOptions.forEach(a, i + 16, i + length - 4, bigEndian, (code, off, len) -> {
            if (code == 2) {
                itf.name = PcapngOptions.string(a, off, len);
            } else if (code == 9 && len >= 1) {
                itf.resolution(a[off] & 0xff);
            } else if (code == 14 && len >= 8) {
                itf.offsetSeconds = Bytes.i64(a, off, bigEndian);
            }
        }, () -> malformed(ctx, pos, "interface option runs past the end of its block", "options inside the block"));
        interfaces.add(itf);
        ctx.addInterface(itf.describe(section));
    }

    private void packetBlock(byte[] a, int i, int length, long pos, ReadContext ctx, boolean obsolete) {
        if (length < 32) {
            malformed(ctx, pos, "packet block of " + length + " bytes", "at least 32 bytes");
            return;
        }
        int ifId = obsolete ? Bytes.u16(a, i + 8, bigEndian) : Bytes.i32(a, i + 8, bigEndian);
        long ticks = Bytes.u32(a, i + 12, bigEndian) << 32 | Bytes.u32(a, i + 16, bigEndian);
        long captured = Bytes.u32(a, i + 20, bigEndian);
        long original = Bytes.u32(a, i + 24, bigEndian);
        int room = length - 32;
        if (captured > room) {
            malformed(ctx, pos, "captured length " + captured + " exceeds the block's " + room + " bytes of data",
                    "captured length within the block");
            return;
        }
        PcapngInterface itf = lookup(ifId, pos, ctx);
        if (itf == null) {
            return;
        }
        int dataEnd = i + 28 + (int) ((captured + 3) & ~3L);
        int flags = PcapngOptions.findInt(a, dataEnd, i + length - 4, bigEndian, 2);
        FrameView f = ctx.frame.set(ctx.nextFrameNumber(), itf.toNanos(ticks), a, i + 28, (int) captured, original,
                itf.linkType, pos);
        f.setInterface(itf.id, itf.name).setDirection(direction(flags));
        ctx.deliver();
    }

    private void simplePacketBlock(byte[] a, int i, int length, long pos, ReadContext ctx) {
        PcapngInterface itf = lookup(0, pos, ctx);
        if (itf == null) {
            return;
        }
        long original = Bytes.u32(a, i + 8, bigEndian);
        long captured = Math.min(original, length - 16L);
        if (itf.snapLength > 0) {
            captured = Math.min(captured, itf.snapLength);
        }
        ctx.frame.set(ctx.nextFrameNumber(), 0, a, i + 12, (int) captured, original, itf.linkType, pos)
                .setInterface(itf.id, itf.name);
        ctx.deliver();
    }

    private PcapngInterface lookup(int ifId, long pos, ReadContext ctx) {
        if (ifId < 0 || ifId >= interfaces.size()) {
            malformed(ctx, pos, "packet names interface " + Integer.toUnsignedString(ifId) + " but the section has "
                    + interfaces.size(), "an interface declared by an earlier interface description block");
            return null;
        }
        return interfaces.get(ifId);
    }

    private static Direction direction(int flags) {
        return switch (flags & 3) {
            case 1 -> Direction.IN;
            case 2 -> Direction.OUT;
            default -> Direction.UNKNOWN;
        };
    }

    private static void malformed(ReadContext ctx, long pos, String message, String expected) {
        ctx.issue(Severity.ERROR, "malformed-block", message, expected, pos);
    }

    /**
     * Reports damage at {@code pos} and looks for the next block of a known type whose two length fields agree (or
     * that runs past the end of the file, to be reported as truncated); returns its position or -1.
     */
    private long resync(ByteWindow w, long pos, ReadContext ctx, String what) {
        long end = Math.min(w.size() - 12, pos + RESYNC_SCAN_LIMIT);
        for (long p = pos + 4; p <= end; p += 4) {
            if (consistentBlockAt(w, p)) {
                ctx.issue(Severity.ERROR, "bad-block", what + "; skipped " + (p - pos) + " bytes to the next block",
                        "a block whose leading and trailing lengths agree", pos);
                return p;
            }
        }
        ctx.issue(Severity.ERROR, "bad-block", what + "; no valid block follows (" + (w.size() - pos)
                + " bytes not read)", "a block whose leading and trailing lengths agree", pos);
        return -1;
    }

    private boolean consistentBlockAt(ByteWindow w, long p) {
        int i = w.ensure(p, 12);
        if (i < 0) {
            return false;
        }
        int type = Bytes.i32(w.array(), i, bigEndian);
        boolean known = type >= IDB && type <= EPB || Bytes.i32(w.array(), i) == PCAPNG_SHB;
        long length = Bytes.u32(w.array(), i + 4, bigEndian);
        if (!known || length < 12 || length % 4 != 0 || length > MAX_BLOCK) {
            return false;
        }
        if (p + length > w.size()) {
            return true;
        }
        return trailer(w, p, length) == length;
    }

    /** The trailing length word of the block at {@code pos}; other blocks are skipped without reading their body. */
    private long trailer(ByteWindow w, long pos, long length) {
        int t = w.ensure(pos + length - 4, 4);
        return Bytes.u32(w.array(), t, bigEndian);
    }

}
