package io.pktpath.parser.ipset;

import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.net.IpFamily;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One set of {@code ipset save}: its {@code create} line (type, family, options such as timeout/counters/comment, and
 * the netmask or bitmask read as a {@code mask}) and its entries.
 */
public record IpSet(String name, SetType type, IpFamily family, Map<String, String> options, Optional<AddressMask> mask,
                    List<SetEntry> entries, SourceSpan span) {
    public IpSet {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(family, "family");
        options = Collections.unmodifiableSortedMap(new TreeMap<>(options));
        Objects.requireNonNull(mask, "mask");
        entries = List.copyOf(entries);
        Objects.requireNonNull(span, "span");
    }
}
