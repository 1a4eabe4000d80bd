package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/**
 * The {@code -m u32 --u32 TESTS} match of iptables-extensions(8): keeps the u32 test program exactly as printed so
 * the engine can run it on the packet bytes.
 */
public record U32Match(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "u32";

    public U32Match {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --u32} value with its negation. */
    public Optional<Negatable<OptionValue.Text>> tests() {
        return Options.value(options, OptionValue.Text.class, "--u32");
    }
}
