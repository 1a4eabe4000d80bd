package io.pktpath.parser.iptables.listing;

import io.pktpath.parser.iptables.model.Counters;
import java.util.Objects;
import java.util.Optional;

/**
 * One rule line of a listing: its line, the iptables-save rule it came from ({@code -A CHAIN ...}, empty when its
 * listed form could not be turned back), its counters (empty when the listing rounded them, {@code 12K}) and the
 * chains it jumps or goes to.
 */
public record ListedRule(int line, Optional<String> saveRule, Optional<Counters> counters, Optional<String> jumpsTo) {
    public ListedRule {
        Objects.requireNonNull(saveRule, "saveRule");
        Objects.requireNonNull(counters, "counters");
        Objects.requireNonNull(jumpsTo, "jumpsTo");
    }
}
