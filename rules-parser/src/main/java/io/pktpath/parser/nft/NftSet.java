package io.pktpath.parser.nft;

import java.util.Objects;

/** A named set or map of an nftables table ({@code kind} is {@code set} or {@code map}) and how many elements it holds. */
public record NftSet(String kind, String name, int line, int elements) {
    public NftSet {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
    }
}
