package io.pktpath.core.netfilter;

/** A protocol module without options ({@code -m tcp} alone): holds for a first fragment of that protocol. */
final class L4HeaderEvaluator implements MatchEvaluator {
    private final int proto;
    private final String text;

    L4HeaderEvaluator(int proto, String text) {
        this.proto = proto;
        this.text = text;
    }

    @Override
    public boolean test(Evaluation e) {
        return e.packet.proto() == proto && !e.nonFirstFragment();
    }

    @Override
    public Mismatch explain(Evaluation e) {
        return new Mismatch(text, "proto " + Describe.proto(e.packet.proto()) + (e.nonFirstFragment() ? ", non-first fragment" : ""));
    }

    @Override
    public boolean pure() {
        return true;
    }
}
