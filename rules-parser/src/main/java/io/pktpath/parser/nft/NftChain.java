package io.pktpath.parser.nft;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A chain of an nftables table: its name, line and column (as {@link NftRule}'s), its hook when it is a base chain, and
 * its rules in order.
 */
public record NftChain(String name, int line, int column, Optional<NftBaseChain> base, List<NftRule> rules) {
    public NftChain {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(base, "base");
        rules = List.copyOf(rules);
    }

    /** A chain of a listing, where its line alone says where it is. */
    public NftChain(String name, int line, Optional<NftBaseChain> base, List<NftRule> rules) {
        this(name, line, 0, base, rules);
    }

    /** Where the chain is in {@code file}: {@code file:line}, or {@code file:line:column} when a column is known. */
    public String at(String file) {
        return file + ":" + line + (column > 0 ? ":" + column : "");
    }

    public boolean isBase() {
        return base.isPresent();
    }
}
