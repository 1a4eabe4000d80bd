package io.pktpath.cli;

/** What the streams are connected to: whether standard output may carry ANSI colors and whether stderr may show a progress bar. */
public record Terminal(boolean colorOut, boolean progressErr) {
    /** Plain streams (pipes, files, tests): no colors, no progress bar. */
    public static final Terminal PLAIN = new Terminal(false, false);

    /**
     * The process's own terminal: Java 17 can only tell whether the process has a console (stdin and stdout both a
     * terminal); {@code NO_COLOR} and {@code TERM=dumb} turn colors off.
     */
    public static Terminal detect() {
        boolean console = System.console() != null;
        boolean dumb = "dumb".equals(System.getenv("TERM"));
        boolean noColor = System.getenv("NO_COLOR") != null;
        return new Terminal(console && !dumb && !noColor, console && !dumb);
    }
}
