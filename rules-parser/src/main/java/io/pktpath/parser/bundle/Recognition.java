package io.pktpath.parser.bundle;

import java.util.Objects;
import java.util.Optional;

/** The result of looking at a file's content: its kind, or why it is not a known input. */
public record Recognition(Optional<InputKind> kind, String reason) {
    public Recognition {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
    }

    static Recognition of(InputKind kind) {
        return new Recognition(Optional.of(kind), "");
    }

    static Recognition unknown(String reason) {
        return new Recognition(Optional.empty(), reason);
    }
}
