package io.pktpath.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Options;

/** The {@code --help} texts: the command overview and each command's usage, options, examples and exit codes. */
final class Help {
    private static final int WIDTH = 100;
    static final String EXIT_CODES = """
            Exit codes: 0 done; 1 findings/differences/diagnostics at the --fail-on level (or --strict);
            2 usage error (unknown option, bad value, frame out of range); 3 unreadable input (missing file,
            bad archive, not a capture, empty bundle); 4 internal error (--debug shows the stack trace).""";

    private Help() {
    }

    static void overview(PrintStream out, List<Command> commands) {
        out.println("pktpath - explains what a Linux node did to every packet of a capture");
        out.println();
        out.println("usage: pktpath COMMAND [OPTIONS] ARGS...   (pktpath COMMAND --help for its options and examples)");
        out.println();
        out.println("commands:");
        for (Command c : commands) {
            out.printf("  %-12s %s%n", c.name(), c.summary());
        }
        out.println();
        out.println("A BUNDLE is a directory, a .tar/.tar.gz/.tgz/.tar.xz/.zip archive, an sosreport tree or a single file;");
        out.println("files can also be named one by one: --rules, --rules6, --capture, --addr, --link, --routes, ...");
        out.println();
        out.println(EXIT_CODES);
        out.flush();
    }

    static void command(PrintStream out, Command command, Options options) {
        PrintWriter w = new PrintWriter(out);
        HelpFormatter f = new HelpFormatter();
        f.setWidth(WIDTH);
        f.printHelp(w, WIDTH, "pktpath " + command.name() + " " + command.arguments() + " [OPTIONS]",
                command.summary() + "\n\n", options, 2, 3, "\nExamples:\n" + command.examples() + "\n" + EXIT_CODES,
                false);
        w.flush();
    }
}
