package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/**
 * The {@code -m mac --mac-source XX:XX:XX:XX:XX:XX} match of iptables-extensions(8): tests the Ethernet source
 * address (PREROUTING, INPUT and FORWARD only).
 */
public record MacMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "mac";

    public MacMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --mac-source} value with its negation. */
    public Optional<Negatable<OptionValue.Text>> macSource() {
        return Options.value(options, OptionValue.Text.class, "--mac-source");
    }
}
