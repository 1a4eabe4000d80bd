package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/**
 * The {@code -m frag} match of ip6tables-extensions(8): tests the IPv6 fragment header's id, length and
 * first/more/last flags.
 */
public record FragMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "frag";

    public FragMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --fragid} value with its negation. */
    public Optional<Negatable<OptionValue.NumberRange>> id() {
        return Options.value(options, OptionValue.NumberRange.class, "--fragid");
    }

    /** The {@code --fraglen} value with its negation. */
    public Optional<Negatable<OptionValue.Number>> length() {
        return Options.value(options, OptionValue.Number.class, "--fraglen");
    }

    /** True if {@code --fragres} is present. */
    public boolean reserved() {
        return Options.flag(options, "--fragres");
    }

    /** True if {@code --fragfirst} is present. */
    public boolean first() {
        return Options.flag(options, "--fragfirst");
    }

    /** True if {@code --fragmore} is present. */
    public boolean more() {
        return Options.flag(options, "--fragmore");
    }

    /** True if {@code --fraglast} is present. */
    public boolean last() {
        return Options.flag(options, "--fraglast");
    }
}
