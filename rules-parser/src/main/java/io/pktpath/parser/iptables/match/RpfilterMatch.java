package io.pktpath.parser.iptables.match;

import java.util.List;

/**
 * The {@code -m rpfilter} match of iptables-extensions(8): does a reverse-path route look-up for the source address
 * (raw and mangle PREROUTING only).
 */
public record RpfilterMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "rpfilter";

    public RpfilterMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** True if {@code --loose} is present. */
    public boolean loose() {
        return Options.flag(options, "--loose");
    }

    /** True if {@code --validmark} is present. */
    public boolean validmark() {
        return Options.flag(options, "--validmark");
    }

    /** True if {@code --accept-local} is present. */
    public boolean acceptLocal() {
        return Options.flag(options, "--accept-local");
    }

    /** True if {@code --invert} is present. */
    public boolean invert() {
        return Options.flag(options, "--invert");
    }
}
