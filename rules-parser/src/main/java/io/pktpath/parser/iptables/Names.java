package io.pktpath.parser.iptables;

import java.util.HashMap;
import java.util.Map;

/**
 * Shares equal strings kept by the model (chain names, comments, interface names) between the rules of a stretch of
 * lines, so a large dump holds one copy of each instead of one per rule.
 */
final class Names {
    private final Map<String, String> seen = new HashMap<>();

    /** The first equal string seen, else {@code s} itself. */
    String share(String s) {
        String first = seen.putIfAbsent(s, s);
        return first == null ? s : first;
    }
}
