package io.pktpath.parser.iptables;

import io.pktpath.parser.iptables.match.CommentMatch;
import io.pktpath.parser.iptables.match.Match;
import io.pktpath.parser.iptables.match.MatchOption;
import io.pktpath.parser.iptables.match.ModuleMatch;
import io.pktpath.parser.iptables.match.OptionValue;
import io.pktpath.parser.net.Digits;
import io.pktpath.parser.net.PortRange;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What one {@link MatchListParser} remembers between lines, by source text: a module's options up to the next boundary
 * ({@code -m tcp --dport 80}) and an address or protocol option with its value ({@code ! -s 10.0.0.0/8}, {@code -p tcp});
 * the same text in the same place of a rule reads as the same match, so a repeated one is taken from here. It also
 * reads the two most common one-option modules directly ({@link #direct}).
 */
final class RememberedReadings {
    /** Table size (a power of two) of each memo; a few thousand recent readings cover a kube-proxy service's rules. */
    private static final int MEMO_BITS = 12;
    static final String COMMENT = "--comment";
    private static final String DPORT = "--dport";
    private static final String SPORT = "--sport";

    private final RegionMemo<ModuleMatch> modules = new RegionMemo<>(MEMO_BITS);
    private final RegionMemo<Match> options = new RegionMemo<>(MEMO_BITS);

    /** The module match read before from tokens [from, to) of {@code tokens}'s line, or null. */
    ModuleMatch module(LineTokens tokens, int from, int to, int hash) {
        return modules.get(tokens.line(), tokens.start(from), tokens.end(to - 1), hash);
    }

    /** Remembers {@code m} as the reading of tokens [from, to), none of them remembered yet. */
    void keepModule(LineTokens tokens, int from, int to, int hash, ModuleMatch m) {
        modules.put(tokens.line(), tokens.start(from), tokens.end(to - 1), hash, m);
    }

    /** The option match read before from the line's characters [start, end), or null. */
    Match option(LineTokens tokens, int start, int end, int hash) {
        return options.get(tokens.line(), start, end, hash);
    }

    /** Remembers {@code m} as the reading of the line's characters [start, end), not remembered yet. */
    void keepOption(LineTokens tokens, int start, int end, int hash, Match m) {
        options.put(tokens.line(), start, end, hash, m);
    }

    /** {@link Names#hash} of tokens [from, to) of the line, the spaces between them included. */
    static int hash(LineTokens tokens, int from, int to) {
        return Names.hash(tokens.line(), tokens.start(from), tokens.end(to - 1));
    }

    /**
     * The first token from {@code k} on that ends a module's options (one of {@code boundaries}, or ! before one), or
     * the number of tokens.
     */
    static int segmentEnd(LineTokens tokens, int k, Set<String> boundaries) {
        int size = tokens.size();
        while (k < size && !boundary(tokens, k, boundaries)
                && !(tokens.is(k, "!") && k + 1 < size && boundary(tokens, k + 1, boundaries))) {
            k++;
        }
        return k;
    }

    /** True if unquoted token {@code k} is one of {@code boundaries}, without making the text of most tokens. */
    private static boolean boundary(LineTokens tokens, int k, Set<String> boundaries) {
        if (tokens.quoted(k) || !tokens.startsWith(k, "-")) {
            return false;
        }
        String common = tokens.commonWord(k);
        return boundaries.contains(common != null ? common : tokens.text(k));
    }

    /**
     * Tokens [option, to) (a boundary or the end follows) read directly if they are one of kube-proxy's two most common
     * one-option modules, {@code -m comment --comment "text"} and {@code -m tcp|udp --dport|--sport PORT} (the port as the
     * saver writes it), as reading them option by option gives; else null.
     */
    static ModuleMatch direct(LineTokens tokens, ModuleSpec spec, int option, int to, String module) {
        if (to != option + 4) {
            return null;
        }
        int at = option + 3;
        if (module.equals(CommentMatch.MODULE) && tokens.is(option + 2, COMMENT) && tokens.quoted(at)) {
            OptionValue.Text value = new OptionValue.Text(tokens.text(at));
            Optional<String> spelling = tokens.rawQuotes(at, value.text()) ? Optional.empty() : Optional.of(tokens.raw(at));
            return spec.build(List.of(new MatchOption(COMMENT, COMMENT, false, false, value, spelling)), false);
        }
        if (!module.equals("tcp") && !module.equals("udp") || tokens.quoted(at)) {
            return null;
        }
        String option2 = tokens.is(option + 2, DPORT) ? DPORT : tokens.is(option + 2, SPORT) ? SPORT : null;
        int port = Digits.asciiValue(tokens.line(), tokens.start(at), tokens.end(at), 5);
        boolean asWritten = port == 0 ? tokens.rawLength(at) == 1 : tokens.line().charAt(tokens.start(at)) != '0';
        if (option2 == null || port < 0 || port > 65535 || !asWritten) {
            return null;
        }
        OptionValue value = new OptionValue.Ports(PortRange.single(port));
        return spec.build(List.of(new MatchOption(option2, option2, false, false, value, Optional.empty())), false);
    }
}
