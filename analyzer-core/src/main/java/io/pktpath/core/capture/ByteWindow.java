package io.pktpath.core.capture;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A reused read buffer over a file of any size: makes a byte range available without per-call allocation. */
final class ByteWindow implements Closeable {
    private static final int DEFAULT_CAPACITY = 1 << 20;
    private final FileChannel channel;
    private final long size;
    private byte[] buf = new byte[DEFAULT_CAPACITY];
    private ByteBuffer wrapper = ByteBuffer.wrap(buf);
    private long base;
    private int limit;

    ByteWindow(Path file) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        this.size = channel.size();
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
        if (n > buf.length) {
            byte[] bigger = new byte[Math.max(n, buf.length * 2)];
            int keep = keepFrom(pos);
            System.arraycopy(buf, (int) (pos - base), bigger, 0, keep);
            buf = bigger;
            wrapper = ByteBuffer.wrap(buf);
            limit = keep;
        } else {
            int keep = keepFrom(pos);
            System.arraycopy(buf, (int) (pos - base), buf, 0, keep);
            limit = keep;
        }
        base = pos;
        try {
            while (limit < n) {
                wrapper.limit(buf.length).position(limit);
                int got = channel.read(wrapper, base + limit);
                if (got < 0) {
                    break;
                }
                limit += got;
            }
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
