package io.pktpath.parser.iptables.match;

import java.util.Objects;

/** {@code [!] -f}: non-first fragments only (never true while conntrack defragments, semantics §4.1). */
public record FragmentMatch(boolean negated, boolean negationAfterName, String spelledOption) implements Match {
    public FragmentMatch {
        Objects.requireNonNull(spelledOption, "spelledOption");
    }
}
