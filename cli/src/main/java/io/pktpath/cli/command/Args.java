package io.pktpath.cli.command;

import io.pktpath.cli.CliException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** Shared option handling for the commands: positional arguments, {@code --format}, {@code --fail-on}. */
final class Args {
    static final String FORMAT = "format";
    static final String FAIL_ON = "fail-on";

    private Args() {
    }

    static Option format(String... formats) {
        return Option.builder().longOpt(FORMAT).hasArg().argName(String.join("|", formats))
                .desc("output format (default " + formats[0] + ")").build();
    }

    static Option failOn(String what) {
        return Option.builder().longOpt(FAIL_ON).hasArg().argName("error|warning")
                .desc("exit 1 when " + what + " of this severity or worse are found").build();
    }

    static Options with(Options options, Option... more) {
        for (Option o : more) {
            options.addOption(o);
        }
        return options;
    }

    /** The {@code --format} value, checked against the command's formats. */
    static String format(CommandLine line, String command, String... formats) throws CliException {
        String f = line.getOptionValue(FORMAT, formats[0]).toLowerCase(Locale.ROOT);
        if (!List.of(formats).contains(f)) {
            throw CliException.usage(command + ": --format " + line.getOptionValue(FORMAT) + " is not supported (expected "
                    + String.join(", ", formats) + ")");
        }
        return f;
    }

    /** The {@code --fail-on} level: 0 off, 1 error, 2 warning (and worse). */
    static int failOn(CommandLine line) throws CliException {
        String v = line.getOptionValue(FAIL_ON);
        if (v == null) {
            return 0;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "error" -> 1;
            case "warning" -> 2;
            default -> throw CliException.usage("--fail-on " + v + ": expected 'error' or 'warning'");
        };
    }

    /** Exactly {@code min}..{@code names.length} positional arguments, named for the error message. */
    static List<String> positional(CommandLine line, String command, int min, String... names) throws CliException {
        List<String> args = line.getArgList();
        if (args.size() > names.length) {
            throw CliException.usage(command + ": unexpected argument '" + args.get(names.length) + "' (expected "
                    + String.join(" ", names) + "; see 'pktpath " + command + " --help')");
        }
        if (args.size() < min) {
            throw CliException.usage(command + ": missing " + names[args.size()] + " (see 'pktpath " + command
                    + " --help')");
        }
        return args;
    }

    static Optional<String> at(List<String> args, int index) {
        return index < args.size() ? Optional.of(args.get(index)) : Optional.empty();
    }

    /** A non-negative integer option value, or {@code dflt}. */
    static int integer(CommandLine line, String option, int dflt, int max) throws CliException {
        String v = line.getOptionValue(option);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= 0 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw CliException.usage("--" + option + " " + v + ": expected a number 0-" + max);
    }
}
