package io.pktpath.cli;

import org.apache.commons.cli.AlreadySelectedException;
import org.apache.commons.cli.AmbiguousOptionException;
import org.apache.commons.cli.MissingArgumentException;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.UnrecognizedOptionException;

/** Turns Commons CLI's parse exceptions into one sentence naming the option and what was expected. */
final class ParseMessages {
    private ParseMessages() {
    }

    static String of(ParseException e) {
        if (e instanceof UnrecognizedOptionException u) {
            return "unknown option '" + u.getOption() + "'";
        }
        if (e instanceof MissingArgumentException m) {
            return "option --" + m.getOption().getLongOpt() + " needs a value (" + m.getOption().getArgName() + ")";
        }
        if (e instanceof AmbiguousOptionException a) {
            return "option '" + a.getOption() + "' is ambiguous; it could be --" + String.join(", --", a.getMatchingOptions());
        }
        if (e instanceof AlreadySelectedException s) {
            return "option --" + s.getOption().getLongOpt() + " cannot be combined with --"
                    + s.getOptionGroup().getSelected();
        }
        return e.getMessage();
    }
}
