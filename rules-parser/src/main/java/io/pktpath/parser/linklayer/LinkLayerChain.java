package io.pktpath.parser.linklayer;

import java.util.List;
import java.util.Objects;

/**
 * One chain of an ebtables or arptables table: its table and name, its policy ({@code ACCEPT}, {@code DROP},
 * {@code RETURN}, {@code CONTINUE}), whether it is a built-in (hooked) chain, its rules in order, and the file and line
 * that declared it.
 */
public record LinkLayerChain(String table, String name, String policy, boolean builtin, List<LinkLayerRule> rules,
                             String file, int line) {
    public LinkLayerChain {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(policy, "policy");
        rules = List.copyOf(rules);
        Objects.requireNonNull(file, "file");
    }

    /** {@code filter FORWARD}. */
    public String qualifiedName() {
        return table + " " + name;
    }

    /** Where it was declared: {@code FILE:LINE}. */
    public String at() {
        return file + ":" + line;
    }
}
