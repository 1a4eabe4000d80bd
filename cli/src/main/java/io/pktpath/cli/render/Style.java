package io.pktpath.cli.render;

import io.pktpath.core.trace.Disposition;

/** ANSI styling for text output; with colors off every method returns its text unchanged. */
public record Style(boolean color) {
    public static final Style PLAIN = new Style(false);

    private static final String RESET = "\u001b[0m";

    public String red(String s) {
        return wrap("\u001b[31m", s);
    }

    public String green(String s) {
        return wrap("\u001b[32m", s);
    }

    public String yellow(String s) {
        return wrap("\u001b[33m", s);
    }

    public String cyan(String s) {
        return wrap("\u001b[36m", s);
    }

    public String bold(String s) {
        return wrap("\u001b[1m", s);
    }

    public String dim(String s) {
        return wrap("\u001b[2m", s);
    }

    /**
     * A disposition code colored by outcome: red for failures, yellow when not replayed (a fragment held for reassembly
     * too) or queued, green otherwise.
     */
    public String disposition(Disposition d) {
        if (d.isFailure()) {
            return red(d.name());
        }
        return d == Disposition.NOT_REPLAYABLE || d == Disposition.QUEUED || d == Disposition.HELD_FOR_REASSEMBLY
                ? yellow(d.name()) : green(d.name());
    }

    private String wrap(String code, String s) {
        return color && !s.isEmpty() ? code + s + RESET : s;
    }
}
