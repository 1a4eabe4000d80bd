package io.pktpath.core.capture;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * Streams the frames of a pcap or pcapng file (format detected by magic) to a {@link FrameHandler};
 * every problem becomes a {@link CaptureIssue} in the returned {@link CaptureSummary}, never an exception.
 * A reader may be read many times, but by one thread at a time.
 */
public abstract sealed class CaptureReader permits PcapReader, PcapngReader, UnreadableCapture {
    static final int PCAP_MICROS = 0xa1b2c3d4;
    static final int PCAP_NANOS = 0xa1b23c4d;
    static final int PCAPNG_SHB = 0x0a0d0d0a;

    private final Path file;
    private final IntFunction<String> ifindexNames;

    CaptureReader(Path file, IntFunction<String> ifindexNames) {
        this.file = file;
        this.ifindexNames = ifindexNames;
    }

    /** Opens a capture; SLL2 ifindexes get no names. */
    public static CaptureReader open(Path file) {
        return open(file, ifindex -> "");
    }

    /**
     * Opens a capture; {@code ifindexNames} maps a Linux ifindex (from SLL2 headers) to an interface name, the same name
     * for the same ifindex (a read asks about each ifindex once).
     */
    public static CaptureReader open(Path file, IntFunction<String> ifindexNames) {
        Objects.requireNonNull(ifindexNames, "ifindexNames");
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 4);
        } catch (IOException | UncheckedIOException e) {
            return new UnreadableCapture(file, "io-error", "cannot read file (" + e.getClass().getSimpleName() + ")",
                    "a readable file");
        }
        if (n < 4) {
            return new UnreadableCapture(file, "not-a-capture", "file has only " + n + " bytes",
                    "a pcap or pcapng file header");
        }
        int be = Bytes.i32(head, 0);
        int le = Bytes.i32(head, 0, false);
        if (be == PCAP_MICROS || be == PCAP_NANOS || le == PCAP_MICROS || le == PCAP_NANOS) {
            return new PcapReader(file, ifindexNames);
        }
        if (be == PCAPNG_SHB) {
            return new PcapngReader(file, ifindexNames);
        }
        return new UnreadableCapture(file, "not-a-capture",
                String.format("not a pcap or pcapng file (first bytes 0x%08x)", be),
                "pcap magic a1b2c3d4 or a1b23c4d, or pcapng section header 0a0d0d0a");
    }

    /** The file being read. */
    public Path file() {
        return file;
    }

    /** The name used in diagnostics (the file name without directories). */
    public String displayName() {
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }

    /** The detected format. */
    public abstract CaptureFormat format();

    /** Reads the whole file, handing each frame to {@code handler}; returns what was delivered and what went wrong. */
    public CaptureSummary read(FrameHandler handler) {
        return read(handler, ByteWindow.MAP_WINDOW, 1 << 20);
    }

    /** Reads with explicit map-window and buffer sizes (tests use small ones to cross every boundary). */
    CaptureSummary read(FrameHandler handler, long mapWindow, int bufferSize) {
        ReadContext ctx = new ReadContext(displayName(), handler, ifindexNames);
        try (ByteWindow window = new ByteWindow(file, mapWindow, bufferSize)) {
            readFrames(window, ctx);
        } catch (IOException | UncheckedIOException e) {
            ctx.fileIssue(Severity.ERROR, "io-error", "read failed (" + e.getClass().getSimpleName() + ")",
                    "a readable file", 0);
        }
        return ctx.summary(format());
    }

    /** Reads every frame into memory as immutable copies (for tests and small files). */
    public final CaptureContents readAll() {
        List<CapturedFrame> frames = new ArrayList<>();
        CaptureSummary summary = read(f -> frames.add(f.copy()));
        return new CaptureContents(frames, summary);
    }

    abstract void readFrames(ByteWindow window, ReadContext ctx);
}
