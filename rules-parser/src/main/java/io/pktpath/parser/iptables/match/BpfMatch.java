package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/**
 * The {@code -m bpf --bytecode ...|--object-pinned PATH} match of iptables-extensions(8): records an opaque BPF
 * program whose result cannot be computed offline.
 */
public record BpfMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "bpf";

    public BpfMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --bytecode} value with its negation. */
    public Optional<Negatable<OptionValue.Text>> bytecode() {
        return Options.value(options, OptionValue.Text.class, "--bytecode");
    }

    /** The {@code --object-pinned} value with its negation. */
    public Optional<Negatable<OptionValue.Text>> objectPinned() {
        return Options.value(options, OptionValue.Text.class, "--object-pinned");
    }
}
