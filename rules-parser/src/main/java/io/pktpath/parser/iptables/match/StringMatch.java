package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/** {@code -m string --string/--hex-string S --algo bm|kmp [--from --to] [--icase]}: a search in this packet. */
public record StringMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "string";

    public StringMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --string} value with its negation. */
    public Optional<Negatable<OptionValue.Text>> string() {
        return Options.value(options, OptionValue.Text.class, "--string");
    }

    /** The {@code --hex-string} value with its negation. */
    public Optional<Negatable<OptionValue.Text>> hexString() {
        return Options.value(options, OptionValue.Text.class, "--hex-string");
    }

    /** The {@code --algo} value with its negation. */
    public Optional<Negatable<OptionValue.Text>> algorithm() {
        return Options.value(options, OptionValue.Text.class, "--algo");
    }

    /** The {@code --from} value with its negation. */
    public Optional<Negatable<OptionValue.Number>> from() {
        return Options.value(options, OptionValue.Number.class, "--from");
    }

    /** The {@code --to} value with its negation. */
    public Optional<Negatable<OptionValue.Number>> to() {
        return Options.value(options, OptionValue.Number.class, "--to");
    }

    /** True if {@code --icase} is present. */
    public boolean icase() {
        return Options.flag(options, "--icase");
    }
}
