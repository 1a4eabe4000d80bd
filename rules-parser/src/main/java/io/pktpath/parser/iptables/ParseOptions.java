package io.pktpath.parser.iptables;

/**
 * Options of a parse. In strict mode the first error is fatal: parsing stops there and the result holds an empty
 * {@link io.pktpath.parser.iptables.model.Ruleset} plus every diagnostic up to and including that error, so a caller
 * (the CLI's {@code --strict}) checks {@code Parsed.hasErrors()} and refuses to analyze.
 */
public record ParseOptions(boolean failOnFirstError) {
    public static ParseOptions lenient() {
        return new ParseOptions(false);
    }

    public static ParseOptions strict() {
        return new ParseOptions(true);
    }
}
