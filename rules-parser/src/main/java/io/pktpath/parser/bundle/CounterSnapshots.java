package io.pktpath.parser.bundle;

import io.pktpath.parser.iptables.model.Ruleset;

import java.util.Objects;
import java.util.Optional;

/** The {@code iptables-save -c} dumps taken before and after the traffic, for one family; either may be absent. */
public record CounterSnapshots(Optional<Ruleset> before, Optional<Ruleset> after) {
    public CounterSnapshots {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
    }

    public static CounterSnapshots none() {
        return new CounterSnapshots(Optional.empty(), Optional.empty());
    }
}
