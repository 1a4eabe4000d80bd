package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/**
 * The {@code -m icmp6 --icmpv6-type t[/c]|any} match of ip6tables-extensions(8): tests the ICMPv6 type and optional
 * code (RFC 4443).
 */
public record Icmp6Match(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "icmp6";

    public Icmp6Match {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --icmpv6-type} value with its negation. */
    public Optional<Negatable<OptionValue.IcmpType>> icmpType() {
        return Options.value(options, OptionValue.IcmpType.class, "--icmpv6-type");
    }
}
