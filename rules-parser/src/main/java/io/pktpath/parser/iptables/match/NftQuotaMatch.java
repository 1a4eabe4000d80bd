package io.pktpath.parser.iptables.match;

import java.util.List;
import java.util.Objects;

/**
 * nft's {@code quota [over] N UNIT [used M UNIT]} in a native rule, as nft_quota holds it: {@code bytes} the quota,
 * {@code used} what the listing said was consumed when it was taken (0 when it printed none), {@code over} inverting
 * the match, {@code text} the words nft printed. The translation of a native rule gives it; iptables-save input never
 * does.
 */
public record NftQuotaMatch(long bytes, long used, boolean over, String text)
        implements ModuleMatch, NftExpression {
    public NftQuotaMatch {
        Objects.requireNonNull(text, "text");
        if (bytes < 0 || used < 0) {
            throw new IllegalArgumentException("quota " + bytes + " bytes, used " + used);
        }
    }

    @Override
    public String module() {
        return "quota";
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
