package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/**
 * The {@code -m sctp} match of iptables-extensions(8): tests the SCTP source and destination ports against port
 * ranges.
 */
public record SctpMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "sctp";

    public SctpMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --sport} value with its negation. */
    public Optional<Negatable<OptionValue.Ports>> sourcePort() {
        return Options.value(options, OptionValue.Ports.class, "--sport");
    }

    /** The {@code --dport} value with its negation. */
    public Optional<Negatable<OptionValue.Ports>> destinationPort() {
        return Options.value(options, OptionValue.Ports.class, "--dport");
    }
}
