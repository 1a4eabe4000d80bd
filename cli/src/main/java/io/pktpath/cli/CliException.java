package io.pktpath.cli;

/** A user's mistake or an unreadable input, reported as one message and an exit code, never as a stack trace. */
public final class CliException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    /** A command-line mistake (exit 2). */
    public static CliException usage(String message) {
        return new CliException(ExitCode.USAGE, message);
    }

    /** An input that cannot be read (exit 3). */
    public static CliException input(String message) {
        return new CliException(ExitCode.INPUT, message);
    }

    public int exitCode() {
        return exitCode;
    }
}
