package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/**
 * The {@code -m pkttype --pkt-type unicast|broadcast|multicast} match of iptables-extensions(8): tests the link-layer
 * packet type.
 */
public record PkttypeMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "pkttype";

    public PkttypeMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --pkt-type} value with its negation. */
    public Optional<Negatable<OptionValue.Text>> packetType() {
        return Options.value(options, OptionValue.Text.class, "--pkt-type");
    }
}
