package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/** {@code -m conntrack}: ctstate, ctproto, original/reply addresses and ports, ctstatus, ctexpire, ctdir. */
public record ConntrackMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "conntrack";

    public ConntrackMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --ctstate} value with its negation. */
    public Optional<Negatable<OptionValue.Words>> states() {
        return Options.value(options, OptionValue.Words.class, "--ctstate");
    }

    /** The {@code --ctproto} value with its negation. */
    public Optional<Negatable<OptionValue.Text>> protocol() {
        return Options.value(options, OptionValue.Text.class, "--ctproto");
    }

    /** The {@code --ctorigsrc} value with its negation. */
    public Optional<Negatable<OptionValue.Address>> originalSource() {
        return Options.value(options, OptionValue.Address.class, "--ctorigsrc");
    }

    /** The {@code --ctorigdst} value with its negation. */
    public Optional<Negatable<OptionValue.Address>> originalDestination() {
        return Options.value(options, OptionValue.Address.class, "--ctorigdst");
    }

    /** The {@code --ctreplsrc} value with its negation. */
    public Optional<Negatable<OptionValue.Address>> replySource() {
        return Options.value(options, OptionValue.Address.class, "--ctreplsrc");
    }

    /** The {@code --ctrepldst} value with its negation. */
    public Optional<Negatable<OptionValue.Address>> replyDestination() {
        return Options.value(options, OptionValue.Address.class, "--ctrepldst");
    }

    /** The {@code --ctorigsrcport} value with its negation. */
    public Optional<Negatable<OptionValue.Ports>> originalSourcePort() {
        return Options.value(options, OptionValue.Ports.class, "--ctorigsrcport");
    }

    /** The {@code --ctorigdstport} value with its negation. */
    public Optional<Negatable<OptionValue.Ports>> originalDestinationPort() {
        return Options.value(options, OptionValue.Ports.class, "--ctorigdstport");
    }

    /** The {@code --ctreplsrcport} value with its negation. */
    public Optional<Negatable<OptionValue.Ports>> replySourcePort() {
        return Options.value(options, OptionValue.Ports.class, "--ctreplsrcport");
    }

    /** The {@code --ctrepldstport} value with its negation. */
    public Optional<Negatable<OptionValue.Ports>> replyDestinationPort() {
        return Options.value(options, OptionValue.Ports.class, "--ctrepldstport");
    }

    /** The {@code --ctstatus} value with its negation. */
    public Optional<Negatable<OptionValue.Words>> statuses() {
        return Options.value(options, OptionValue.Words.class, "--ctstatus");
    }

    /** The {@code --ctexpire} value with its negation. */
    public Optional<Negatable<OptionValue.NumberRange>> expire() {
        return Options.value(options, OptionValue.NumberRange.class, "--ctexpire");
    }

    /** The {@code --ctdir} value with its negation. */
    public Optional<Negatable<OptionValue.Text>> direction() {
        return Options.value(options, OptionValue.Text.class, "--ctdir");
    }
}
