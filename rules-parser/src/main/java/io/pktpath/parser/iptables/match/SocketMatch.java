package io.pktpath.parser.iptables.match;

import java.util.List;

/**
 * The {@code -m socket} match of iptables-extensions(8): tests whether a local socket would take the packet (a bundle
 * lists no sockets: the analyzer decides it from the connections it replayed).
 */
public record SocketMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "socket";

    public SocketMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** True if {@code --transparent} is present. */
    public boolean transparent() {
        return Options.flag(options, "--transparent");
    }

    /** True if {@code --nowildcard} is present. */
    public boolean nowildcard() {
        return Options.flag(options, "--nowildcard");
    }

    /** True if {@code --restore-skmark} is present. */
    public boolean restoreSkmark() {
        return Options.flag(options, "--restore-skmark");
    }
}
