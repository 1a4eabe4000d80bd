package io.pktpath.parser.iptables.target;

import java.util.List;
import java.util.Objects;

/** A target this parser does not model (SYNPROXY, SET, DSCP ...), kept with its option tokens as written (quotes included). */
public record UnsupportedTarget(String name, List<String> tokens, boolean terminating, boolean jumpSpelling) implements Target {
    public UnsupportedTarget {
        Objects.requireNonNull(name, "name");
        tokens = List.copyOf(tokens);
    }

    @Override
    public String render() {
        StringBuilder sb = new StringBuilder(jumpSpelling ? "-j " : "-g ").append(name);
        tokens.forEach(t -> sb.append(' ').append(t));
        return sb.toString();
    }
}
