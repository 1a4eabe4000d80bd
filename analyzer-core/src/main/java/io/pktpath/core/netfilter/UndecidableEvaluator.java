package io.pktpath.core.netfilter;

/** A condition that cannot be decided offline (socket, u32, bpf, time, cpu, an unsupported match...): the oracle decides. */
final class UndecidableEvaluator implements MatchEvaluator {
    private final String reason;
    private final String text;

    UndecidableEvaluator(String reason, String text) {
        this.reason = reason;
        this.text = text;
    }

    @Override
    public boolean test(Evaluation e) {
        return e.chooseUnknown(reason);
    }

    @Override
    public Mismatch explain(Evaluation e) {
        return new Mismatch(text, "oracle chose no match: " + reason);
    }
}
