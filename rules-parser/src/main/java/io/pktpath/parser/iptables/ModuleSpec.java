package io.pktpath.parser.iptables;

import io.pktpath.parser.iptables.match.MatchOption;
import io.pktpath.parser.iptables.match.ModuleMatch;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/** The options one match module accepts (with aliases) and the record it builds. */
final class ModuleSpec {
    private final String name;
    private final Map<String, OptionKind> options = new LinkedHashMap<>();
    private final Map<String, String> names = new HashMap<>();
    private final Map<String, String> aliases = new LinkedHashMap<>();
    private final BiFunction<List<MatchOption>, Boolean, ModuleMatch> factory;

    ModuleSpec(String name, BiFunction<List<MatchOption>, Boolean, ModuleMatch> factory) {
        this.name = name;
        this.factory = factory;
    }

    String name() {
        return name;
    }

    ModuleSpec option(String option, OptionKind kind) {
        options.put(option, kind);
        names.put(option, option);
        return this;
    }

    ModuleSpec alias(String alias, String canonical) {
        aliases.put(alias, canonical);
        return this;
    }

    OptionKind kind(String canonical) {
        return options.get(canonical);
    }

    /** The canonical option for a written one: exact, an alias, or (as getopt allows) an unambiguous prefix. */
    Optional<String> resolve(String written) {
        String name = names.get(written);
        if (name != null) {
            return Optional.of(name);
        }
        if (aliases.containsKey(written)) {
            return Optional.of(aliases.get(written));
        }
        return prefix(written);
    }

    /** Exact names and aliases only (used to find the module of a continued option). */
    boolean acceptsExactly(String written) {
        return options.containsKey(written) || aliases.containsKey(written);
    }

    private Optional<String> prefix(String written) {
        if (written.length() < 4) {
            return Optional.empty();
        }
        String found = null;
        for (String o : options.keySet()) {
            if (o.startsWith(written)) {
                if (found != null) {
                    return Optional.empty();
                }
                found = o;
            }
        }
        return Optional.ofNullable(found);
    }

    ModuleMatch build(List<MatchOption> parsed, boolean implicit) {
        return factory.apply(parsed, implicit);
    }
}
