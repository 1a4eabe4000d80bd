package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/**
 * The {@code -m iprange --src-range/--dst-range a-b} match of iptables-extensions(8): tests whether an address lies
 * in an inclusive range.
 */
public record IprangeMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "iprange";

    public IprangeMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --src-range} value with its negation. */
    public Optional<Negatable<OptionValue.AddressRange>> sourceRange() {
        return Options.value(options, OptionValue.AddressRange.class, "--src-range");
    }

    /** The {@code --dst-range} value with its negation. */
    public Optional<Negatable<OptionValue.AddressRange>> destinationRange() {
        return Options.value(options, OptionValue.AddressRange.class, "--dst-range");
    }
}
