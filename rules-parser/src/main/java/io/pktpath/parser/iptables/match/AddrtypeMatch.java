package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/**
 * The {@code -m addrtype --src-type/--dst-type T[,T]} match of iptables-extensions(8): classifies an address by the
 * local routing table and tests it against an ORed list of types.
 */
public record AddrtypeMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "addrtype";

    public AddrtypeMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --src-type} value with its negation. */
    public Optional<Negatable<OptionValue.Words>> sourceTypes() {
        return Options.value(options, OptionValue.Words.class, "--src-type");
    }

    /** The {@code --dst-type} value with its negation. */
    public Optional<Negatable<OptionValue.Words>> destinationTypes() {
        return Options.value(options, OptionValue.Words.class, "--dst-type");
    }

    /** True if {@code --limit-iface-in} is present. */
    public boolean limitIfaceIn() {
        return Options.flag(options, "--limit-iface-in");
    }

    /** True if {@code --limit-iface-out} is present. */
    public boolean limitIfaceOut() {
        return Options.flag(options, "--limit-iface-out");
    }
}
