package io.pktpath.parser.bundle;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the loader made of a bundle: each recognized file with its kind and role, each ignored file with the reason, and
 * each missing input with what the analysis assumes instead; {@link #lines()} prints it in a stable order.
 */
public record BundleInventory(List<Found> found, List<Ignored> ignored, List<String> missing, String netns,
                              List<String> namespaces) {
    public BundleInventory {
        found = List.copyOf(found);
        ignored = List.copyOf(ignored);
        missing = List.copyOf(missing);
        Objects.requireNonNull(netns, "netns");
        namespaces = List.copyOf(namespaces);
    }

    /** An inventory read as the node, of a bundle holding no other network namespace. */
    public BundleInventory(List<Found> found, List<Ignored> ignored, List<String> missing) {
        this(found, ignored, missing, "", List.of());
    }

    /**
     * This inventory of a bundle read as network namespace {@code netns} (empty: as the node), holding the outputs of
     * the network namespaces {@code namespaces}.
     */
    public BundleInventory withNamespaces(String netns, List<String> namespaces) {
        return new BundleInventory(found, ignored, missing, netns, namespaces);
    }

    /** How the bundle was read, when it holds network namespaces: as the node (listing them) or as one of them. */
    public java.util.Optional<String> readAs() {
        if (!netns.isEmpty()) {
            return java.util.Optional.of("read as network namespace " + netns + " (the node's own networking files"
                    + " ignored; namespaces held: " + String.join(", ", namespaces) + ")");
        }
        if (!namespaces.isEmpty()) {
            return java.util.Optional.of("read as the node; network namespaces held (read one with --netns NAME): "
                    + String.join(", ", namespaces));
        }
        return java.util.Optional.empty();
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

    /** The report, one line per entry: {@code read as ...} (a bundle holding network namespaces), {@code found FILE: KIND [(note)]}, {@code ignored FILE: reason}, {@code missing: ...}. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        readAs().ifPresent(out::add);
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
