package io.pktpath.cli.command;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Lines rendered while frames stream, kept in a temporary file (never in memory) so that they can be printed after
 * the summary that only exists once the whole capture is read; the file is deleted on close. The lines are stored
 * exactly as they will be printed (UTF-8, the separator after every line but the last), so printing them is a copy
 * of bytes. Lines of ASCII text (a frame line nearly always is) are written byte by byte from the characters, without
 * making a String or running an encoder.
 */
final class Spool implements AutoCloseable {
    private final Path file;
    private final OutputStream stored;
    private final byte[] separator;
    private byte[] ascii = new byte[256];
    private long lines;

    /** A spool whose lines are printed each followed by {@code separator} except the last, and a newline. */
    Spool(String separator) throws IOException {
        this.separator = (separator + "\n").getBytes(StandardCharsets.UTF_8);
        file = Files.createTempFile("pktpath-frames-", ".txt");
        file.toFile().deleteOnExit();
        stored = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
    }

    /** Adds one line (its UTF-8 bytes; the spool keeps no reference to {@code line}). */
    void add(CharSequence line) {
        try {
            if (lines > 0) {
                stored.write(separator);
            }
            write(line);
            lines++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(CharSequence line) throws IOException {
        int n = line.length();
        if (n > ascii.length) {
            ascii = new byte[Math.max(n, ascii.length * 2)];
        }
        for (int i = 0; i < n; i++) {
            char c = line.charAt(i);
            if (c >= 0x80) {
                stored.write(line.toString().getBytes(StandardCharsets.UTF_8));
                return;
            }
            ascii[i] = (byte) c;
        }
        stored.write(ascii, 0, n);
    }

    long lines() {
        return lines;
    }

    /** Writes every line to {@code out} (a stream that prints UTF-8, as the CLI's are), as the constructor says. */
    void copyTo(PrintStream out) throws IOException {
        stored.flush();
        out.flush();
        Files.copy(file, out);
        if (lines > 0) {
            out.print('\n');
        }
    }

    @Override
    public void close() throws IOException {
        stored.close();
        Files.deleteIfExists(file);
    }
}
