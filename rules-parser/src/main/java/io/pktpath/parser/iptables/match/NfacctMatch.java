package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/**
 * The {@code -m nfacct --nfacct-name N} match of iptables-extensions(8): counts the packet into a named accounting
 * object and always matches.
 */
public record NfacctMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "nfacct";

    public NfacctMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --nfacct-name} value with its negation. */
    public Optional<Negatable<OptionValue.Text>> name() {
        return Options.value(options, OptionValue.Text.class, "--nfacct-name");
    }
}
