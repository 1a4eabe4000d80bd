package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/**
 * The {@code -m comment --comment S} match of iptables-extensions(8): carries a comment for the reader and always
 * matches.
 */
public record CommentMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "comment";

    public CommentMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --comment} value with its negation. */
    public Optional<Negatable<OptionValue.Text>> comment() {
        return Options.value(options, OptionValue.Text.class, "--comment");
    }
}
