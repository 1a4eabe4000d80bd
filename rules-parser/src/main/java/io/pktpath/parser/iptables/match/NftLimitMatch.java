package io.pktpath.parser.iptables.match;

import java.util.List;
import java.util.Objects;

/**
 * nft's {@code limit rate [over] N/UNIT [burst B packets]} (or its byte mode {@code limit rate [over] N bytes/UNIT
 * [burst B bytes]}) in a native rule, as nft_limit holds it: {@code rate} packets (or bytes) per {@code unitSeconds},
 * {@code burst} packets (the kernel's default 5 when nft gives none) or bytes (0 when none), {@code over} inverting the
 * match, {@code text} the words nft printed. The translation of a native rule gives it; iptables-save input never does.
 */
public record NftLimitMatch(long rate, long unitSeconds, long burst, boolean bytes, boolean over, String text)
        implements ModuleMatch, NftExpression {
    /** nft_limit's burst when a packet limit gives none ({@code NFT_LIMIT_PKT_BURST_DEFAULT}). */
    public static final long DEFAULT_PACKET_BURST = 5;

    public NftLimitMatch {
        Objects.requireNonNull(text, "text");
        if (rate <= 0 || unitSeconds <= 0 || burst < 0) {
            throw new IllegalArgumentException("limit rate " + rate + " per " + unitSeconds + " s, burst " + burst);
        }
    }

    @Override
    public String module() {
        return "limit";
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
