package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/** {@code -m time}: time-of-day, weekday and date windows (the capture time decides). */
public record TimeMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "time";

    public TimeMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --timestart} value with its negation. */
    public Optional<Negatable<OptionValue.Text>> timeStart() {
        return Options.value(options, OptionValue.Text.class, "--timestart");
    }

    /** The {@code --timestop} value with its negation. */
    public Optional<Negatable<OptionValue.Text>> timeStop() {
        return Options.value(options, OptionValue.Text.class, "--timestop");
    }

    /** The {@code --days} value with its negation. */
    public Optional<Negatable<OptionValue.Words>> days() {
        return Options.value(options, OptionValue.Words.class, "--days");
    }

    /** The {@code --datestart} value with its negation. */
    public Optional<Negatable<OptionValue.Text>> dateStart() {
        return Options.value(options, OptionValue.Text.class, "--datestart");
    }

    /** The {@code --datestop} value with its negation. */
    public Optional<Negatable<OptionValue.Text>> dateStop() {
        return Options.value(options, OptionValue.Text.class, "--datestop");
    }

    /** The {@code --monthdays} value with its negation. */
    public Optional<Negatable<OptionValue.Words>> monthDays() {
        return Options.value(options, OptionValue.Words.class, "--monthdays");
    }

    /** True if {@code --kerneltz} is present. */
    public boolean kernelTimezone() {
        return Options.flag(options, "--kerneltz");
    }

    /** True if {@code --contiguous} is present. */
    public boolean contiguous() {
        return Options.flag(options, "--contiguous");
    }
}
