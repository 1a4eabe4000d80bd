package io.pktpath.cli.command;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Lines rendered while frames stream, kept in a temporary file (never in memory) so that they can be printed after
 * the summary that only exists once the whole capture is read; the file is deleted on close. The lines are stored
 * exactly as they will be printed (UTF-8, the separator after every line but the last), so printing them is a copy
 * of bytes.
 */
final class Spool implements AutoCloseable {
    private final Path file;
    private final BufferedWriter writer;
    private final String separator;
    private long lines;

    /** A spool whose lines are printed each followed by {@code separator} except the last, and a newline. */
    Spool(String separator) throws IOException {
        this.separator = separator + "\n";
        file = Files.createTempFile("pktpath-frames-", ".txt");
        file.toFile().deleteOnExit();
        writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }

    void add(String line) {
        try {
            if (lines > 0) {
                writer.write(separator);
            }
            writer.write(line);
            lines++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long lines() {
        return lines;
    }

    /** Writes every line to {@code out} (a stream that prints UTF-8, as the CLI's are), as the constructor says. */
    void copyTo(PrintStream out) throws IOException {
        writer.flush();
        out.flush();
        Files.copy(file, out);
        if (lines > 0) {
            out.print('\n');
        }
    }

    @Override
    public void close() throws IOException {
        writer.close();
        Files.deleteIfExists(file);
    }
}
