package io.pktpath.parser.nft;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One nftables table: family, name, the line of its header, its chains and its named sets and maps, in file order. */
public record NftTable(NftFamily family, String name, int line, List<NftChain> chains, List<NftSet> sets) {
    public NftTable {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(name, "name");
        chains = List.copyOf(chains);
        sets = List.copyOf(sets);
    }

    /** {@code inet firewalld}, as nft names a table. */
    public String qualifiedName() {
        return family.keyword() + " " + name;
    }

    public Optional<NftSet> set(String setName) {
        return sets.stream().filter(s -> s.name().equals(setName)).findFirst();
    }

    public Optional<NftChain> chain(String chainName) {
        return chains.stream().filter(c -> c.name().equals(chainName)).findFirst();
    }
}
