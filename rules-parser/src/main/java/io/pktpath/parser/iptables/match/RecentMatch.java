package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/** {@code -m recent}: named address lists ({@code --set/--rcheck/--update/--remove}, seconds, hitcount, mask, side). */
public record RecentMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "recent";

    public RecentMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --name} value with its negation. */
    public Optional<Negatable<OptionValue.Text>> name() {
        return Options.value(options, OptionValue.Text.class, "--name");
    }

    /** True if {@code --set} is present. */
    public boolean set() {
        return Options.flag(options, "--set");
    }

    /** True if {@code --rcheck} is present. */
    public boolean rcheck() {
        return Options.flag(options, "--rcheck");
    }

    /** True if {@code --update} is present. */
    public boolean update() {
        return Options.flag(options, "--update");
    }

    /** True if {@code --remove} is present. */
    public boolean remove() {
        return Options.flag(options, "--remove");
    }

    /** The {@code --seconds} value with its negation. */
    public Optional<Negatable<OptionValue.Number>> seconds() {
        return Options.value(options, OptionValue.Number.class, "--seconds");
    }

    /** True if {@code --reap} is present. */
    public boolean reap() {
        return Options.flag(options, "--reap");
    }

    /** The {@code --hitcount} value with its negation. */
    public Optional<Negatable<OptionValue.Number>> hitcount() {
        return Options.value(options, OptionValue.Number.class, "--hitcount");
    }

    /** True if {@code --rttl} is present. */
    public boolean rttl() {
        return Options.flag(options, "--rttl");
    }

    /** The {@code --mask} value with its negation. */
    public Optional<Negatable<OptionValue.Ip>> mask() {
        return Options.value(options, OptionValue.Ip.class, "--mask");
    }

    /** True if {@code --rsource} is present. */
    public boolean rsource() {
        return Options.flag(options, "--rsource");
    }

    /** True if {@code --rdest} is present. */
    public boolean rdest() {
        return Options.flag(options, "--rdest");
    }
}
