package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/**
 * The {@code -m length --length a[:b]} match of iptables-extensions(8): tests the IPv4 total length, or the IPv6
 * payload length plus 40, against a range.
 */
public record LengthMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "length";

    public LengthMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --length} value with its negation. */
    public Optional<Negatable<OptionValue.NumberRange>> length() {
        return Options.value(options, OptionValue.NumberRange.class, "--length");
    }
}
