package io.pktpath.parser.bundle;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** A parsed input competing with others of its kind; {@code size} (routes, rules, entries) breaks ties. */
record Candidate<T>(LoadedFile file, T value, long size) {
    /** The candidate with the largest size, the first in path order among equals. */
    static <T> Optional<Candidate<T>> largest(List<Candidate<T>> candidates) {
        return candidates.stream().max(Comparator.<Candidate<T>>comparingLong(Candidate::size)
                .thenComparing(c -> c.file().name(), Comparator.reverseOrder()));
    }
}
