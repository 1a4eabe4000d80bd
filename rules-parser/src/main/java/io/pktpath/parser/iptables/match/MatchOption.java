package io.pktpath.parser.iptables.match;

import java.util.Objects;
import java.util.Optional;

/**
 * One option of a match module as written: its canonical name (and the name as spelled, e.g. an abbreviation
 * {@code --mac} for {@code --mac-source}), its {@code !} (before the name, or after it in the pre-1.4.3 form), its typed
 * value, and the written argument text when that differs from the value's canonical rendering.
 */
public record MatchOption(String name, String spelledName, boolean negated, boolean negationAfterName, OptionValue value,
                          Optional<String> argumentSpelling) {
    public MatchOption {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(spelledName, "spelledName");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(argumentSpelling, "argumentSpelling");
    }

    /** An option in canonical spelling. */
    public static MatchOption of(String name, boolean negated, OptionValue value) {
        return new MatchOption(name, name, negated, false, value, Optional.empty());
    }
}
