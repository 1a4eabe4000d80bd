package io.pktpath.parser.nft;

import java.util.Locale;
import java.util.Optional;

/** An nftables table family, as {@code nft list ruleset} names it ({@code table inet firewalld}). */
public enum NftFamily {
    IP, IP6, INET, ARP, BRIDGE, NETDEV;

    /** The keyword nft prints, e.g. {@code inet}. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The family for an nft keyword, if it is one. */
    public static Optional<NftFamily> of(String keyword) {
        for (NftFamily f : values()) {
            if (f.keyword().equals(keyword)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
