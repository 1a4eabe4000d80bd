package io.pktpath.parser.iptables.match;

import java.util.List;
import java.util.Objects;

/**
 * nft's {@code ct count [over] N} in a native rule, as nft_connlimit holds it: one list of connections for the rule,
 * the match true while the count is at most {@code count} ({@code over}: above it), {@code text} the words nft printed.
 * The translation of a native rule gives it; iptables-save input never does.
 */
public record NftCountMatch(long count, boolean over, String text)
        implements ModuleMatch, NftExpression {
    public NftCountMatch {
        Objects.requireNonNull(text, "text");
        if (count < 0) {
            throw new IllegalArgumentException("ct count " + count);
        }
    }

    @Override
    public String module() {
        return "connlimit";
    }

    @Override
    public List<MatchOption> options() {
        return List.of();
    }

    @Override
    public boolean implicit() {
        return false;
    }
}
