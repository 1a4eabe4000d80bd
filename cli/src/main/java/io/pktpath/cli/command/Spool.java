package io.pktpath.cli.command;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Lines rendered while frames stream, kept in a temporary file (never in memory) so that they can be printed after
 * the summary that only exists once the whole capture is read; the file is deleted on close.
 */
final class Spool implements AutoCloseable {
    private final Path file;
    private final BufferedWriter writer;
    private long lines;

    Spool() throws IOException {
        file = Files.createTempFile("pktpath-frames-", ".txt");
        file.toFile().deleteOnExit();
        writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }

    void add(String line) {
        try {
            writer.write(line);
            writer.write('\n');
            lines++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long lines() {
        return lines;
    }

    /** Writes every line to {@code out}, each followed by {@code separator} except the last, and a newline. */
    void copyTo(PrintStream out, String separator) throws IOException {
        writer.flush();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long n = 0;
            while ((line = r.readLine()) != null) {
                out.print(line);
                out.print(++n < lines ? separator : "");
                out.print('\n');
            }
        }
    }

    @Override
    public void close() throws IOException {
        writer.close();
        Files.deleteIfExists(file);
    }
}
