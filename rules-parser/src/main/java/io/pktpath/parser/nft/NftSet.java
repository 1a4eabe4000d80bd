package io.pktpath.parser.nft;

import java.util.List;
import java.util.Objects;

/**
 * A named set or map of an nftables table ({@code kind} is {@code set} or {@code map}), how many elements it holds, and
 * for a verdict map the chains its elements jump or go to and whether an element's verdict is {@code drop}.
 */
public record NftSet(String kind, String name, int line, int elements, List<String> jumpTargets, boolean dropVerdict) {
    public NftSet {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        jumpTargets = List.copyOf(jumpTargets);
    }

    /** A set or map whose elements name no chain and no drop verdict. */
    public NftSet(String kind, String name, int line, int elements) {
        this(kind, name, line, elements, List.of(), false);
    }
}
