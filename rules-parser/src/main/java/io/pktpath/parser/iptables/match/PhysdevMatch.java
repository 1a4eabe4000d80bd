package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/**
 * The {@code -m physdev} match of iptables-extensions(8): tests the bridge ports ({@code --physdev-in/-out},
 * is-bridged/in/out) of traffic that br_netfilter passes through iptables.
 */
public record PhysdevMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "physdev";

    public PhysdevMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --physdev-in} value with its negation. */
    public Optional<Negatable<OptionValue.Text>> physdevIn() {
        return Options.value(options, OptionValue.Text.class, "--physdev-in");
    }

    /** The {@code --physdev-out} value with its negation. */
    public Optional<Negatable<OptionValue.Text>> physdevOut() {
        return Options.value(options, OptionValue.Text.class, "--physdev-out");
    }

    /** True if {@code --physdev-is-in} is present. */
    public boolean isIn() {
        return Options.flag(options, "--physdev-is-in");
    }

    /** True if {@code --physdev-is-out} is present. */
    public boolean isOut() {
        return Options.flag(options, "--physdev-is-out");
    }

    /** True if {@code --physdev-is-bridged} is present. */
    public boolean isBridged() {
        return Options.flag(options, "--physdev-is-bridged");
    }
}
