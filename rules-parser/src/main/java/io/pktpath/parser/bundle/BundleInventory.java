package io.pktpath.parser.bundle;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the loader made of a bundle: each recognized file with its kind and role, each ignored file with the reason, and
 * each missing input with what the analysis assumes instead; {@link #lines()} prints it in a stable order.
 */
public record BundleInventory(List<Found> found, List<Ignored> ignored, List<String> missing) {
    public BundleInventory {
        found = List.copyOf(found);
        ignored = List.copyOf(ignored);
        missing = List.copyOf(missing);
    }

    /** A recognized file; {@code note} says how it was used (e.g. "counters after", "not used: ip addr text preferred"). */
    public record Found(String file, InputKind kind, String note) {
        public Found {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(note, "note");
        }
    }

    /** A file that is not a known input, and why. */
    public record Ignored(String file, String reason) {
        public Ignored {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(reason, "reason");
        }

        /** Whether the file was ignored for being empty (or blank). */
        public boolean empty() {
            return reason.startsWith(ContentSniffer.EMPTY_FILE);
        }
    }

    /**
     * The empty files, as {@link #lines()} says them ({@code ignored FILE: empty file [(expected KIND output)]}), for
     * the commands and views that print no inventory but must still name a file that was emptied.
     */
    public List<String> emptyFiles() {
        return ignored.stream().filter(Ignored::empty).map(i -> "ignored " + i.file() + ": " + i.reason()).toList();
    }

    /** The report, one line per entry: {@code found FILE: KIND [(note)]}, {@code ignored FILE: reason}, {@code missing: ...}. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        for (Found f : found) {
            out.add("found " + f.file() + ": " + f.kind().label() + (f.note().isEmpty() ? "" : " (" + f.note() + ")"));
        }
        for (Ignored i : ignored) {
            out.add("ignored " + i.file() + ": " + i.reason());
        }
        for (String m : missing) {
            out.add("missing: " + m);
        }
        return List.copyOf(out);
    }
}
