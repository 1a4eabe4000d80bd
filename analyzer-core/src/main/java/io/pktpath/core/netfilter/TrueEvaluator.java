package io.pktpath.core.netfilter;

import java.util.Optional;

/** A condition that always holds ({@code -m comment}, {@code -m nfacct}), with an optional note for the trace. */
final class TrueEvaluator implements MatchEvaluator {
    private final Optional<String> note;
    private final String text;

    TrueEvaluator(Optional<String> note, String text) {
        this.note = note;
        this.text = text;
    }

    @Override
    public boolean test(Evaluation e) {
        note.ifPresent(e::note);
        return true;
    }

    @Override
    public Mismatch explain(Evaluation e) {
        return new Mismatch(text, "");
    }

    @Override
    public boolean pure() {
        return note.isEmpty();
    }
}
