package io.pktpath.parser.iptables;

import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Optional;

/**
 * Reads rule lines for one reader (one thread) into {@link LineOutcome}s, reusing its token buffer, line context and
 * match-list parser from line to line; strings and values the model keeps are shared through the reader's {@link Names}.
 */
final class LineReader {
    private final LineTokens tokens;
    private final MatchListParser matches;
    private final LineContext context;

    LineReader(Names names, LineTokens tokens) {
        this(names, tokens, true);
    }

    /** A reader; without {@code shortcuts} (the reference for tests) every option is read the general way. */
    LineReader(Names names, LineTokens tokens, boolean shortcuts) {
        this.tokens = tokens;
        this.matches = new MatchListParser(shortcuts);
        this.context = new LineContext("", 0, "", "", chain -> 0, new AddressReader(Optional.empty()), names);
    }

    /** Reads a rule line of {@code table} on line {@code number}, the dump's family being {@code family}. */
    LineOutcome read(String file, int number, String text, String table, LineContext.ChainDeclarations chains,
                     AddressReader addresses, IpFamily family) {
        try {
            tokens.read(text);
        } catch (Tokenizer.UnbalancedQuoteException e) {
            return LineOutcome.unbalancedQuote(e.column(), family);
        }
        Optional<IpFamily> only = LineOutcome.prefixFamily(tokens);
        boolean foreign = only.isPresent() && only.get() != family;
        LineContext ctx = context.reset(file, number, text, table, chains, foreign ? new AddressReader(only) : addresses);
        try {
            RuleLine line = RuleLineParser.parse(ctx, tokens, matches, foreign ? only.get() : family);
            if (line.command().takesRule() && !ctx.checkDeclared(line.chain(), line.chainColumn())) {
                throw new LineError(IptCode.IPT012, line.chainColumn(), "chain '" + line.chain()
                        + "' is not declared in table '" + table + "'", ":" + line.chain() + " - [0:0] before its rules");
            }
            return LineOutcome.of(line, null, ctx.warnings(), family, only);
        } catch (LineError e) {
            return LineOutcome.of(null, e, List.of(), family, only);
        }
    }
}
