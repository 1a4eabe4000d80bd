package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/** Typed look-ups in a module's option list, used by the accessors of the match records. */
public final class Options {
    private Options() {
    }

    /** The last option with the canonical name (iptables keeps the last one written). */
    public static Optional<MatchOption> find(List<MatchOption> options, String name) {
        for (int i = options.size() - 1; i >= 0; i--) {
            if (options.get(i).name().equals(name)) {
                return Optional.of(options.get(i));
            }
        }
        return Optional.empty();
    }

    /** The typed value of an option with its negation, if present and of that type. */
    public static <V extends OptionValue> Optional<Negatable<V>> value(List<MatchOption> options, Class<V> type, String name) {
        return find(options, name).filter(o -> type.isInstance(o.value()))
                .map(o -> new Negatable<>(type.cast(o.value()), o.negated()));
    }

    /** True if a flag option is present (negated or not). */
    public static boolean flag(List<MatchOption> options, String name) {
        return find(options, name).isPresent();
    }
}
