package io.pktpath.cli;

/** The documented exit codes of every pktpath command (docs/cli.md). */
public final class ExitCode {
    /** The command did what was asked. */
    public static final int OK = 0;
    /** Findings, differences or diagnostics at or above the {@code --fail-on} level (or {@code --strict}) were found. */
    public static final int FINDINGS = 1;
    /** The command line was wrong: unknown option, missing argument, frame number out of range. */
    public static final int USAGE = 2;
    /** An input could not be read: missing file, unreadable archive, not a capture, empty bundle. */
    public static final int INPUT = 3;
    /** pktpath itself failed (a bug); {@code --debug} shows the stack trace. */
    public static final int INTERNAL = 4;

    private ExitCode() {
    }
}
