package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/**
 * The {@code -m owner} match of iptables-extensions(8): tests the local socket owner (uid, gid, socket exists), which
 * is known only in OUTPUT and POSTROUTING.
 */
public record OwnerMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "owner";

    public OwnerMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --uid-owner} value with its negation. */
    public Optional<Negatable<OptionValue.Text>> uid() {
        return Options.value(options, OptionValue.Text.class, "--uid-owner");
    }

    /** The {@code --gid-owner} value with its negation. */
    public Optional<Negatable<OptionValue.Text>> gid() {
        return Options.value(options, OptionValue.Text.class, "--gid-owner");
    }

    /** True if {@code --socket-exists} is present. */
    public boolean socketExists() {
        return Options.flag(options, "--socket-exists");
    }

    /** True if {@code --suppl-groups} is present. */
    public boolean supplementaryGroups() {
        return Options.flag(options, "--suppl-groups");
    }
}
