package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/** {@code -m hashlimit}: per-key token buckets ({@code --hashlimit-upto/-above}, mode, masks, name). */
public record HashlimitMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "hashlimit";

    public HashlimitMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --hashlimit-upto} value with its negation. */
    public Optional<Negatable<OptionValue.Text>> upto() {
        return Options.value(options, OptionValue.Text.class, "--hashlimit-upto");
    }

    /** The {@code --hashlimit-above} value with its negation. */
    public Optional<Negatable<OptionValue.Text>> above() {
        return Options.value(options, OptionValue.Text.class, "--hashlimit-above");
    }

    /** The {@code --hashlimit-burst} value with its negation. */
    public Optional<Negatable<OptionValue.Number>> burst() {
        return Options.value(options, OptionValue.Number.class, "--hashlimit-burst");
    }

    /** The {@code --hashlimit-mode} value with its negation. */
    public Optional<Negatable<OptionValue.Words>> mode() {
        return Options.value(options, OptionValue.Words.class, "--hashlimit-mode");
    }

    /** The {@code --hashlimit-srcmask} value with its negation. */
    public Optional<Negatable<OptionValue.Number>> sourceMask() {
        return Options.value(options, OptionValue.Number.class, "--hashlimit-srcmask");
    }

    /** The {@code --hashlimit-dstmask} value with its negation. */
    public Optional<Negatable<OptionValue.Number>> destinationMask() {
        return Options.value(options, OptionValue.Number.class, "--hashlimit-dstmask");
    }

    /** The {@code --hashlimit-name} value with its negation. */
    public Optional<Negatable<OptionValue.Text>> name() {
        return Options.value(options, OptionValue.Text.class, "--hashlimit-name");
    }
}
