package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/** The {@code -m mark --mark v[/m]} match of iptables-extensions(8): tests {@code (skb.mark & m) == v}. */
public record MarkMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "mark";

    public MarkMatch {
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
