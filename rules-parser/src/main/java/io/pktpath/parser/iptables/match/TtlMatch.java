package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/**
 * The {@code -m ttl --ttl-eq/--ttl-gt/--ttl-lt N} match of iptables-extensions(8): compares the IPv4 time-to-live
 * with N.
 */
public record TtlMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "ttl";

    public TtlMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --ttl-eq} value with its negation. */
    public Optional<Negatable<OptionValue.Number>> equal() {
        return Options.value(options, OptionValue.Number.class, "--ttl-eq");
    }

    /** The {@code --ttl-gt} value with its negation. */
    public Optional<Negatable<OptionValue.Number>> greater() {
        return Options.value(options, OptionValue.Number.class, "--ttl-gt");
    }

    /** The {@code --ttl-lt} value with its negation. */
    public Optional<Negatable<OptionValue.Number>> less() {
        return Options.value(options, OptionValue.Number.class, "--ttl-lt");
    }
}
