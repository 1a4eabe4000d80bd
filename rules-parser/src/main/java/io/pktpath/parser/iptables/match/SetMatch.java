package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/**
 * The {@code -m set --match-set NAME dir[,dir]} match of iptables-extensions(8): looks the packet's addresses or
 * ports up in an ipset, with its counter options.
 */
public record SetMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "set";

    public SetMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --match-set} value with its negation. */
    public Optional<Negatable<OptionValue.SetRef>> set() {
        return Options.value(options, OptionValue.SetRef.class, "--match-set");
    }

    /** True if {@code --return-nomatch} is present. */
    public boolean returnNomatch() {
        return Options.flag(options, "--return-nomatch");
    }

    /** True if {@code --update-counters} is present. */
    public boolean updateCounters() {
        return Options.flag(options, "--update-counters");
    }

    /** The {@code --packets-gt} value with its negation. */
    public Optional<Negatable<OptionValue.Number>> packetsGreater() {
        return Options.value(options, OptionValue.Number.class, "--packets-gt");
    }

    /** The {@code --packets-lt} value with its negation. */
    public Optional<Negatable<OptionValue.Number>> packetsLess() {
        return Options.value(options, OptionValue.Number.class, "--packets-lt");
    }

    /** The {@code --packets-eq} value with its negation. */
    public Optional<Negatable<OptionValue.Number>> packetsEqual() {
        return Options.value(options, OptionValue.Number.class, "--packets-eq");
    }

    /** The {@code --bytes-gt} value with its negation. */
    public Optional<Negatable<OptionValue.Number>> bytesGreater() {
        return Options.value(options, OptionValue.Number.class, "--bytes-gt");
    }

    /** The {@code --bytes-lt} value with its negation. */
    public Optional<Negatable<OptionValue.Number>> bytesLess() {
        return Options.value(options, OptionValue.Number.class, "--bytes-lt");
    }

    /** The {@code --bytes-eq} value with its negation. */
    public Optional<Negatable<OptionValue.Number>> bytesEqual() {
        return Options.value(options, OptionValue.Number.class, "--bytes-eq");
    }
}
