package io.pktpath.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** One {@code pktpath} sub-command: its name, its options, its help text with examples, and what it does. */
public interface Command {
    /** The word after {@code pktpath}, e.g. {@code analyze} or {@code rules check}. */
    String name();

    /** The usage line's arguments, e.g. {@code BUNDLE FRAME}. */
    String arguments();

    /** One sentence saying what the command does. */
    String summary();

    /** Example command lines with a short comment each, for {@code --help}. */
    String examples();

    /** The command's own options (the common ones are added by {@link Main}). */
    Options options();

    /** Runs the command on a parsed command line; returns the exit code. */
    int run(CommandLine line, Context ctx) throws CliException, java.io.IOException;
}
