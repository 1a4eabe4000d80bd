package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/**
 * The {@code -m connlimit} match of iptables-extensions(8): compares the count of connections per address group
 * ({@code --connlimit-mask}, saddr or daddr) with {@code --connlimit-upto/-above N}.
 */
public record ConnlimitMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "connlimit";

    public ConnlimitMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --connlimit-upto} value with its negation. */
    public Optional<Negatable<OptionValue.Number>> upto() {
        return Options.value(options, OptionValue.Number.class, "--connlimit-upto");
    }

    /** The {@code --connlimit-above} value with its negation. */
    public Optional<Negatable<OptionValue.Number>> above() {
        return Options.value(options, OptionValue.Number.class, "--connlimit-above");
    }

    /** The {@code --connlimit-mask} value with its negation. */
    public Optional<Negatable<OptionValue.Number>> mask() {
        return Options.value(options, OptionValue.Number.class, "--connlimit-mask");
    }

    /** True if {@code --connlimit-saddr} is present. */
    public boolean saddr() {
        return Options.flag(options, "--connlimit-saddr");
    }

    /** True if {@code --connlimit-daddr} is present. */
    public boolean daddr() {
        return Options.flag(options, "--connlimit-daddr");
    }
}
