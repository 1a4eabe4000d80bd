package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/**
 * The {@code -m connmark --mark v[/m]} match of iptables-extensions(8): tests {@code (ctmark & m) == v} on the
 * packet's conntrack entry.
 */
public record ConnmarkMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "connmark";

    public ConnmarkMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --mark} value with its negation. */
    public Optional<Negatable<OptionValue.MarkMask>> mark() {
        return Options.value(options, OptionValue.MarkMask.class, "--mark");
    }
}
