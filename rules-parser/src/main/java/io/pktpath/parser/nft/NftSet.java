package io.pktpath.parser.nft;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A named set or map of an nftables table ({@code kind} is {@code set} or {@code map}), how many elements it holds, and
 * for a verdict map the chains its elements jump or go to and whether an element's verdict is {@code drop}; {@code values}
 * are the elements as nft printed them ({@code 10.0.0.0/8}, {@code 22}, {@code "lo" : accept}), in order;
 * {@code declarations} its {@code type}, {@code flags}, {@code timeout}, {@code size} and {@code gc-interval} lines by keyword ({@code type -> ipv4_addr},
 * {@code flags -> dynamic,timeout}, {@code timeout -> 1m}).
 */
public record NftSet(String kind, String name, int line, int elements, List<String> jumpTargets, boolean dropVerdict,
                     List<String> values, Map<String, String> declarations) {
    public NftSet {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        jumpTargets = List.copyOf(jumpTargets);
        values = List.copyOf(values);
        declarations = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(declarations));
    }

    /** A set or map with its elements and no declarations kept. */
    public NftSet(String kind, String name, int line, int elements, List<String> jumpTargets, boolean dropVerdict,
                  List<String> values) {
        this(kind, name, line, elements, jumpTargets, dropVerdict, values, Map.of());
    }

    /** A set or map whose elements were counted but not kept. */
    public NftSet(String kind, String name, int line, int elements, List<String> jumpTargets, boolean dropVerdict) {
        this(kind, name, line, elements, jumpTargets, dropVerdict, List.of());
    }

    /** A set or map whose elements name no chain and no drop verdict. */
    public NftSet(String kind, String name, int line, int elements) {
        this(kind, name, line, elements, List.of(), false);
    }
}
