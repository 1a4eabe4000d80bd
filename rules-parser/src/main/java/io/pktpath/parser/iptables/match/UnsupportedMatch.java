package io.pktpath.parser.iptables.match;

import io.pktpath.parser.diag.SourceSpan;
import java.util.List;
import java.util.Objects;

/** A match this parser does not model (or could not read): its module name, its tokens as written, and where. */
public record UnsupportedMatch(String module, List<String> tokens, SourceSpan span, String reason) implements Match {
    public UnsupportedMatch {
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(span, "span");
        Objects.requireNonNull(reason, "reason");
        tokens = List.copyOf(tokens);
    }
}
