package io.pktpath.parser.bundle;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Records, per file, how the assembler used it; files left without a role are noted as not used in favor of the winner. */
final class Selection {
    private final Map<String, String> notes = new LinkedHashMap<>();

    void use(LoadedFile file, String note) {
        notes.put(file.name(), note);
    }

    /** Picks the largest candidate, notes it as used with {@code note} and the others as not used. */
    <T> Optional<T> pick(List<Candidate<T>> candidates, String note) {
        Optional<Candidate<T>> best = Candidate.largest(candidates);
        for (Candidate<T> c : candidates) {
            if (best.isPresent() && c != best.get() && !notes.containsKey(c.file().name())) {
                notes.put(c.file().name(), "not used: " + best.get().file().name() + " preferred");
            }
        }
        best.ifPresent(b -> notes.put(b.file().name(), note));
        return best.map(Candidate::value);
    }

    String noteFor(LoadedFile file) {
        return notes.getOrDefault(file.name(), "");
    }
}
