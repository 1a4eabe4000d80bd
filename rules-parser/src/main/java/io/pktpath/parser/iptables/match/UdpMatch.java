package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/**
 * The {@code -m udp} match of iptables-extensions(8): tests the UDP source and destination ports against port ranges.
 */
public record UdpMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "udp";

    public UdpMatch {
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
