package io.pktpath.parser.iptables;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The option tokens after {@code -j NAME}, read as (option, value) pairs against one target's option table. */
final class TargetArgs {
    /** One target option as written; {@code value} is empty for flags. */
    record Arg(Token option, Optional<Token> value) {
        String name() {
            return option.text();
        }

        String text() {
            return value.map(Token::text).orElse("");
        }
    }

    private TargetArgs() {
    }

    /**
     * Splits the tokens into options; empty if a token is not one of the target's options (the target is then kept as
     * unsupported).
     */
    static Optional<List<Arg>> read(List<Token> tokens, Set<String> withValue, Set<String> flags) throws LineError {
        List<Arg> args = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (flags.contains(t.text()) && !t.quoted()) {
                args.add(new Arg(t, Optional.empty()));
            } else if (withValue.contains(t.text()) && !t.quoted()) {
                if (i + 1 >= tokens.size()) {
                    throw new LineError(IptCode.IPT015, t.column(), "option " + t.text() + " needs a value",
                            "a value after " + t.text());
                }
                args.add(new Arg(t, Optional.of(tokens.get(++i))));
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(args);
    }

    static Optional<Arg> last(List<Arg> args, String... names) {
        for (int i = args.size() - 1; i >= 0; i--) {
            for (String n : names) {
                if (args.get(i).name().equals(n)) {
                    return Optional.of(args.get(i));
                }
            }
        }
        return Optional.empty();
    }

    static boolean has(List<Arg> args, String name) {
        return last(args, name).isPresent();
    }
}
