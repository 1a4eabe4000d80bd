package io.pktpath.parser.iptables;

import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.net.IpFamily;
import java.util.Optional;

/**
 * Reads rule lines one at a time, as {@link IptablesSaveParser} reads each of them in a dump
 * {@code *TABLE / :PKP - [0:0] / -A PKP ARGS / COMMIT}, reusing one line reader for all of them: a translator that
 * writes thousands of one-rule dumps (nftables' rules translated into iptables rules) pays for one reader, not one per
 * rule. One reader serves one thread.
 */
public final class IptablesRuleReader {
    /** The one chain the rules are appended to. */
    public static final String CHAIN = "PKP";
    /** The rule line's number in the dump it stands for. */
    private static final int LINE = 3;

    private final String file;
    private final IpFamily family;
    private final Names names = new Names();
    private final LineReader reader = new LineReader(names, new LineTokens(names));
    private final AddressReader addresses;

    /** A reader of {@code family}'s rules, naming {@code file} in what it reads. */
    public IptablesRuleReader(String file, IpFamily family) {
        this.file = file;
        this.family = family;
        this.addresses = new AddressReader(Optional.of(family));
    }

    /**
     * The rule {@code -A PKP ARGS} of {@code table}, or empty when reading it is an error (an unbalanced quote, an
     * unknown option, a value of the wrong kind...), where the dump would have reported one.
     */
    public Optional<Rule> read(String table, String args) {
        String text = "-A " + CHAIN + " " + args;
        LineOutcome outcome = reader.read(file, LINE, text, table, chain -> chain.equals(CHAIN) ? 2 : 0, addresses,
                family);
        RuleLine line = outcome.line;
        if (line == null || outcome.error != null || outcome.foreign() || line.command() != Command.APPEND) {
            return Optional.empty();
        }
        return Optional.of(new Rule(table, CHAIN, 1, SourceSpan.line(file, LINE), line.text(), line.matches(),
                line.target(), line.targetSpelling(), line.counters(), line.onlyFamily()));
    }
}
