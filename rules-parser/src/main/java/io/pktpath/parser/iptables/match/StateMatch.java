package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/**
 * The {@code -m state --state S[,S]} match of iptables-extensions(8): tests the packet's conntrack state (NEW,
 * ESTABLISHED, RELATED, INVALID, UNTRACKED) without the SNAT/DNAT states.
 */
public record StateMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "state";

    public StateMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --state} value with its negation. */
    public Optional<Negatable<OptionValue.Words>> states() {
        return Options.value(options, OptionValue.Words.class, "--state");
    }
}
