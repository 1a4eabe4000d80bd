package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/** {@code -m limit --limit R --limit-burst B}: a token bucket (default 3/hour, burst 5). */
public record LimitMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "limit";

    public LimitMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --limit} value with its negation. */
    public Optional<Negatable<OptionValue.Rate>> limit() {
        return Options.value(options, OptionValue.Rate.class, "--limit");
    }

    /** The {@code --limit-burst} value with its negation. */
    public Optional<Negatable<OptionValue.Number>> burst() {
        return Options.value(options, OptionValue.Number.class, "--limit-burst");
    }
}
