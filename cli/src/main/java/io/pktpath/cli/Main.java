package io.pktpath.cli;

import io.pktpath.cli.command.AnalyzeCommand;
import io.pktpath.cli.command.ExplainCommand;
import io.pktpath.cli.command.FlowsCommand;
import io.pktpath.cli.command.RulesCheckCommand;
import io.pktpath.cli.command.RulesHitsCommand;
import io.pktpath.cli.command.TraceCommand;
import io.pktpath.cli.command.VerifyCommand;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/** The {@code pktpath} command line: picks the sub-command, parses its options, runs it and maps every failure to an exit code. */
public final class Main {
    private static final List<Command> COMMANDS = List.of(new AnalyzeCommand(), new ExplainCommand(),
            new TraceCommand(), new FlowsCommand(), new RulesCheckCommand(), new RulesHitsCommand(), new VerifyCommand(), new io.pktpath.cli.command.BenchCommand());

    private Main() {
    }

    public static void main(String[] args) {
        Terminal terminal = Terminal.detect();
        java.io.OutputStream stdout = new java.io.FileOutputStream(java.io.FileDescriptor.out);
        if (System.console() == null) {
            // a pipe or file gets its bytes in large writes (one write per line was one system call per frame with
            // jsonl); a terminal gets every line as it is printed
            stdout = new java.io.BufferedOutputStream(stdout, 1 << 16);
        }
        PrintStream out = new PrintStream(stdout, false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true,
                StandardCharsets.UTF_8);
        int code = run(args, new Context(out, err, terminal));
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs one command line with plain (non-terminal) streams; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, new Context(out, err, Terminal.PLAIN));
    }

    /** Runs one command line; returns the exit code (never throws). */
    public static int run(String[] args, Context ctx) {
        boolean debug = Arrays.asList(args).contains("--debug");
        try {
            return dispatch(args, ctx);
        } catch (CliException e) {
            ctx.err().println("pktpath: " + e.getMessage());
            return e.exitCode();
        } catch (UncheckedIOException e) {
            return internal(ctx, debug, e, "cannot read or write: " + e.getCause().getMessage());
        } catch (IOException e) {
            return internal(ctx, debug, e, "cannot read or write: " + e.getMessage());
        } catch (OutOfMemoryError e) {
            long mb = Runtime.getRuntime().maxMemory() >> 20;
            ctx.err().println("pktpath: out of memory: the Java heap (" + mb + " MB) is too small for this bundle's rules"
                    + " and the capture's conntrack flows; give it more, e.g. PKTPATH_JAVA_OPTS=-Xmx" + Math.max(1, mb * 2 / 1024)
                    + "g ./pktpath ... (or java -Xmx" + Math.max(1, mb * 2 / 1024) + "g -jar pktpath-cli.jar ...)");
            if (debug) {
                e.printStackTrace(ctx.err());
            }
            return ExitCode.INTERNAL;
        } catch (RuntimeException | StackOverflowError e) {
            return internal(ctx, debug, e, "internal error: " + e);
        } finally {
            ctx.out().flush();
        }
    }

    private static int internal(Context ctx, boolean debug, Throwable e, String message) {
        ctx.err().println("pktpath: " + message);
        if (debug) {
            e.printStackTrace(ctx.err());
        } else {
            ctx.err().println("pktpath: this is a bug in pktpath; run again with --debug for the stack trace and report it");
        }
        return ExitCode.INTERNAL;
    }

    private static int dispatch(String[] args, Context ctx) throws CliException, IOException {
        if (args.length == 0) {
            Help.overview(ctx.err(), COMMANDS);
            return ExitCode.USAGE;
        }
        if (args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            Help.overview(ctx.out(), COMMANDS);
            return ExitCode.OK;
        }
        int words = args[0].equals("rules") ? 2 : 1;
        if (words == 2 && (args.length < 2 || args[1].startsWith("-"))) {
            throw CliException.usage("'rules' needs a sub-command: 'rules check PATH' or 'rules hits BUNDLE'");
        }
        String name = words == 2 ? "rules " + args[1] : args[0];
        Command command = find(name).orElseThrow(() -> CliException.usage("unknown command '" + name
                + "'; the commands are: " + String.join(", ", COMMANDS.stream().map(Command::name).toList())
                + " (see 'pktpath --help')"));
        Options options = CommonOptions.addTo(command.options());
        String[] rest = Arrays.copyOfRange(args, words, args.length);
        CommandLine line;
        try {
            line = new DefaultParser(false).parse(options, rest);
        } catch (ParseException e) {
            throw CliException.usage(command.name() + ": " + ParseMessages.of(e) + " (see 'pktpath " + command.name()
                    + " --help')");
        }
        if (line.hasOption(CommonOptions.HELP)) {
            Help.command(ctx.out(), command, options);
            return ExitCode.OK;
        }
        return command.run(line, ctx);
    }

    private static Optional<Command> find(String name) {
        return COMMANDS.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** The options of every command, for documentation tests. */
    static List<Command> commands() {
        return COMMANDS;
    }

    /** Whether a parsed option list holds an option (used by tests of the option tables). */
    static boolean declares(Options options, String longName) {
        return options.getOptions().stream().map(Option::getLongOpt).anyMatch(longName::equals);
    }
}
