package io.pktpath.parser.nft;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A chain of an nftables table: its name and line, its hook when it is a base chain, and its rules in order. */
public record NftChain(String name, int line, Optional<NftBaseChain> base, List<NftRule> rules) {
    public NftChain {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(base, "base");
        rules = List.copyOf(rules);
    }

    public boolean isBase() {
        return base.isPresent();
    }
}
