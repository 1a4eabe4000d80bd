package io.pktpath.parser.iptables.match;

import java.util.Objects;

/** {@code [!] -i/-o name}: the in or out interface; a trailing {@code +} matches any name with that prefix. */
public record InterfaceMatch(Side side, String name, boolean negated, boolean negationAfterName, String spelledOption)
        implements Match {
    /** Which device is tested. */
    public enum Side { IN, OUT }

    public InterfaceMatch {
        Objects.requireNonNull(side, "side");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(spelledOption, "spelledOption");
    }

    public boolean wildcard() {
        return name.endsWith("+");
    }

    /** The outcome for a device name (empty when there is none, e.g. {@code -o} before routing), negation applied. */
    public boolean matches(String device) {
        boolean hit = wildcard() ? device.startsWith(name.substring(0, name.length() - 1)) : device.equals(name);
        return hit != negated;
    }
}
