package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/** The {@code -m hl --hl-eq/--hl-gt/--hl-lt N} match of ip6tables-extensions(8): compares the IPv6 hop limit with N. */
public record HlMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "hl";

    public HlMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --hl-eq} value with its negation. */
    public Optional<Negatable<OptionValue.Number>> equal() {
        return Options.value(options, OptionValue.Number.class, "--hl-eq");
    }

    /** The {@code --hl-gt} value with its negation. */
    public Optional<Negatable<OptionValue.Number>> greater() {
        return Options.value(options, OptionValue.Number.class, "--hl-gt");
    }

    /** The {@code --hl-lt} value with its negation. */
    public Optional<Negatable<OptionValue.Number>> less() {
        return Options.value(options, OptionValue.Number.class, "--hl-lt");
    }
}
