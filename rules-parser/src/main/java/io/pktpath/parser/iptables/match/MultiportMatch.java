package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/**
 * The {@code -m multiport --sports/--dports/--ports} match of iptables-extensions(8): tests a port against a list of
 * up to 15 ports or ranges.
 */
public record MultiportMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "multiport";

    public MultiportMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --sports} value with its negation. */
    public Optional<Negatable<OptionValue.PortList>> sourcePorts() {
        return Options.value(options, OptionValue.PortList.class, "--sports");
    }

    /** The {@code --dports} value with its negation. */
    public Optional<Negatable<OptionValue.PortList>> destinationPorts() {
        return Options.value(options, OptionValue.PortList.class, "--dports");
    }

    /** The {@code --ports} value with its negation. */
    public Optional<Negatable<OptionValue.PortList>> ports() {
        return Options.value(options, OptionValue.PortList.class, "--ports");
    }
}
