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
        try {
            tokens.read(text);
        } catch (Tokenizer.UnbalancedQuoteException e) {
            return new LineOutcome(e.column(), null, null, List.of(), family, Optional.empty());
        }
        Optional<IpFamily> only = prefixFamily(tokens);
        boolean foreign = only.isPresent() && only.get() != family;
        LineContext ctx = new LineContext(file, number, text, table, chains, foreign ? new AddressReader(only) : addresses,
                names);
        try {
            RuleLine line = RuleLineParser.parse(ctx, tokens, foreign ? only.get() : family);
            if (line.command().takesRule() && !ctx.checkDeclared(line.chain(), line.chainColumn())) {
                throw new LineError(IptCode.IPT012, line.chainColumn(), "chain '" + line.chain()
                        + "' is not declared in table '" + table + "'", ":" + line.chain() + " - [0:0] before its rules");
            }
            return new LineOutcome(0, null, line, ctx.warnings(), family, only);
        } catch (LineError e) {
            return new LineOutcome(0, e, null, List.of(), family, only);
        }
    }

    private static Optional<IpFamily> prefixFamily(LineTokens tokens) {
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
