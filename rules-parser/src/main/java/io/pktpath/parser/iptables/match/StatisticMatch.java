package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/** {@code -m statistic}: {@code --mode random --probability p} (exactly P/2^31) or {@code --mode nth --every n --packet p}. */
public record StatisticMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "statistic";

    public StatisticMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --mode} value with its negation. */
    public Optional<Negatable<OptionValue.Text>> mode() {
        return Options.value(options, OptionValue.Text.class, "--mode");
    }

    /** The {@code --probability} value with its negation. */
    public Optional<Negatable<OptionValue.Probability>> probability() {
        return Options.value(options, OptionValue.Probability.class, "--probability");
    }

    /** The {@code --every} value with its negation. */
    public Optional<Negatable<OptionValue.Number>> every() {
        return Options.value(options, OptionValue.Number.class, "--every");
    }

    /** The {@code --packet} value with its negation. */
    public Optional<Negatable<OptionValue.Number>> packet() {
        return Options.value(options, OptionValue.Number.class, "--packet");
    }
}
