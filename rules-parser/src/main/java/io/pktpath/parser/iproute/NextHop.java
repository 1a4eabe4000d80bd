package io.pktpath.parser.iproute;

import io.pktpath.parser.net.IpAddress;

import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** One {@code nexthop via ... dev ... weight N} of a multipath route; flags are {@code onlink}, {@code dead}, {@code linkdown}. */
public record NextHop(Optional<IpAddress> via, Optional<String> dev, int weight, Set<String> flags) {
    public NextHop {
        Objects.requireNonNull(via, "via");
        Objects.requireNonNull(dev, "dev");
        if (weight < 1) {
            throw new IllegalArgumentException("nexthop weight must be >= 1: " + weight);
        }
        flags = Collections.unmodifiableSortedSet(new TreeSet<>(flags));
    }

    public boolean onlink() {
        return flags.contains("onlink");
    }
}
