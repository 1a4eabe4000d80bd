package io.pktpath.core.capture;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A reused read buffer over a file of any size: makes a byte range available without per-call allocation. The file is
 * memory-mapped in windows of {@value #MAP_WINDOW} bytes and copied into the heap buffer in bulk (one copy per byte).
 */
final class ByteWindow implements Closeable {
    private static final int DEFAULT_CAPACITY = 1 << 20;
    static final long MAP_WINDOW = 1L << 28;
    private final FileChannel channel;
    private final long size;
    private byte[] buf;
    private MappedByteBuffer map;
    private long mapBase;
    private long base;
    private int limit;

    private final long mapWindow;

    ByteWindow(Path file) throws IOException {
        this(file, MAP_WINDOW, DEFAULT_CAPACITY);
    }

    /** A window with explicit sizes, so tests can cross map and buffer boundaries with small files. */
    ByteWindow(Path file, long mapWindow, int bufferSize) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        this.size = channel.size();
        this.mapWindow = mapWindow;
        this.buf = new byte[bufferSize];
    }

    long size() {
        return size;
    }

    byte[] array() {
        return buf;
    }

    /**
     * Makes file bytes {@code [pos, pos+n)} available in {@link #array()} and returns the index of byte {@code pos},
     * or -1 when the file ends before {@code pos+n}. May move or replace the array.
     */
    int ensure(long pos, int n) {
        if (pos >= base && pos + n <= base + limit) {
            return (int) (pos - base);
        }
        if (pos + n > size || n < 0) {
            return -1;
        }
        refill(pos, n);
        return 0;
    }

    private void refill(long pos, int n) {
        int keep = keepFrom(pos);
        byte[] target = n > buf.length ? new byte[Math.max(n, buf.length * 2)] : buf;
        if (keep > 0) {
            System.arraycopy(buf, (int) (pos - base), target, 0, keep);
        }
        buf = target;
        limit = keep;
        base = pos;
        int want = (int) Math.min(buf.length - limit, size - (base + limit));
        while (want > 0) {
            long from = base + limit;
            mapFor(from);
            int chunk = (int) Math.min(want, mapBase + map.capacity() - from);
            map.get((int) (from - mapBase), buf, limit, chunk);
            limit += chunk;
            want -= chunk;
        }
    }

    private void mapFor(long from) {
        if (map != null && from >= mapBase && from < mapBase + map.capacity()) {
            return;
        }
        try {
            mapBase = from;
            map = channel.map(FileChannel.MapMode.READ_ONLY, from, Math.min(mapWindow, size - from));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int keepFrom(long pos) {
        return pos >= base && pos < base + limit ? (int) (base + limit - pos) : 0;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
