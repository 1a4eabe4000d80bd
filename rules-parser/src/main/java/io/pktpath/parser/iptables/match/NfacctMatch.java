package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/** {@code -m nfacct --nfacct-name N}: counts into a named accounting object. */
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
