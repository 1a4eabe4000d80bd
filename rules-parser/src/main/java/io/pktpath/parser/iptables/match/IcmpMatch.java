package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/**
 * The {@code -m icmp --icmp-type t[/c]|any} match of iptables-extensions(8): tests the ICMP type and optional code
 * (RFC 792).
 */
public record IcmpMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "icmp";

    public IcmpMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --icmp-type} value with its negation. */
    public Optional<Negatable<OptionValue.IcmpType>> icmpType() {
        return Options.value(options, OptionValue.IcmpType.class, "--icmp-type");
    }
}
