package io.pktpath.parser.iptables;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Optional;

/**
 * What reading one rule line gave, before anything is reported or applied: an unbalanced quote, a line error, or the
 * parsed line with its warnings. It depends only on the line, the table name, the family and the chain declarations,
 * so it can be computed ahead of the table state (see {@link LinePrefetcher}).
 */
final class LineOutcome {
    final int quoteColumn;
    final LineError error;
    final RuleLine line;
    final List<Diagnostic> warnings;
    /** The dump's family when the line was read. */
    final IpFamily family;
    /** The {@code -4}/{@code -6} prefix, if the line has one. */
    final Optional<IpFamily> only;

    private LineOutcome(int quoteColumn, LineError error, RuleLine line, List<Diagnostic> warnings, IpFamily family,
                        Optional<IpFamily> only) {
        this.quoteColumn = quoteColumn;
        this.error = error;
        this.line = line;
        this.warnings = warnings;
        this.family = family;
        this.only = only;
    }

    /** True if the line is for the other family (iptables-restore skips it). */
    boolean foreign() {
        return only.isPresent() && only.get() != family;
    }

    /**
     * Reads a rule line of {@code table} on line {@code number}, the dump's family being {@code family}; strings the model
     * keeps are shared through {@code names}; {@code tokens} is the caller's reusable token buffer.
     */
    static LineOutcome read(String file, int number, String text, String table, LineContext.ChainDeclarations chains,
                            AddressReader addresses, IpFamily family, Names names, LineTokens tokens) {
        return new LineReader(names, tokens).read(file, number, text, table, chains, addresses, family);
    }

    /** The outcome of a line that was read: its warnings, or its error (then {@code line} is null). */
    static LineOutcome of(RuleLine line, LineError error, List<Diagnostic> warnings, IpFamily family,
                          Optional<IpFamily> only) {
        return new LineOutcome(0, error, line, warnings, family, only);
    }

    /** The outcome of a line with an unbalanced quote at {@code column}. */
    static LineOutcome unbalancedQuote(int column, IpFamily family) {
        return new LineOutcome(column, null, null, List.of(), family, Optional.empty());
    }

    static Optional<IpFamily> prefixFamily(LineTokens tokens) {
        for (int k = 0; k < Math.min(2, tokens.size()); k++) {
            if (tokens.is(k, "-4")) {
                return Optional.of(IpFamily.V4);
            }
            if (tokens.is(k, "-6")) {
                return Optional.of(IpFamily.V6);
            }
        }
        return Optional.empty();
    }
}
