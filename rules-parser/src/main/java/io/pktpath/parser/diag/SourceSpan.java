package io.pktpath.parser.diag;

import java.util.Objects;

/** A position in an input file: 1-based line and column (column 0 means the whole line). */
public record SourceSpan(String file, int line, int column) {
    public SourceSpan {
        Objects.requireNonNull(file, "file");
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("line and column must be >= 0: " + line + ":" + column);
        }
    }

    /** A span for a whole line. */
    public static SourceSpan line(String file, int line) {
        return new SourceSpan(file, line, 0);
    }

    /** The same line, another column. */
    public SourceSpan atColumn(int newColumn) {
        return new SourceSpan(file, line, newColumn);
    }

    /** {@code file:line:col}, or {@code file:line} when no column is known, or {@code file} when no line is. */
    @Override
    public String toString() {
        if (line == 0) {
            return file;
        }
        return column == 0 ? file + ":" + line : file + ":" + line + ":" + column;
    }
}
