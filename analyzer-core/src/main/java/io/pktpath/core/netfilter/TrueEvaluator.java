package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.ModuleMatch;
import java.util.Optional;

/** A condition that always holds ({@code -m comment}, {@code -m nfacct}), with an optional note for the trace. */
final class TrueEvaluator implements MatchEvaluator {
    private final Optional<String> note;
    private final ModuleMatch match;

    /** The text ({@link Describe#module}) is built only when a miss is explained: most rules carry a comment. */
    TrueEvaluator(Optional<String> note, ModuleMatch match) {
        this.note = note;
        this.match = match;
    }

    @Override
    public boolean test(Evaluation e) {
        note.ifPresent(e::note);
        return true;
    }

    @Override
    public Mismatch explain(Evaluation e) {
        return new Mismatch(Describe.module(match), "");
    }

    @Override
    public boolean pure() {
        return note.isEmpty();
    }
}
