package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.RpfilterMatch;

/** {@code -m rpfilter [--loose] [--validmark] [--accept-local] [--invert]}: the reverse-path check from NodeFacts. */
final class RpfilterEvaluator implements MatchEvaluator {
    private final boolean loose;
    private final boolean validMark;
    private final boolean acceptLocal;
    private final boolean invert;
    private final String text;

    RpfilterEvaluator(RpfilterMatch m) {
        this.loose = m.loose();
        this.validMark = m.validmark();
        this.acceptLocal = m.acceptLocal();
        this.invert = m.invert();
        this.text = Describe.module(m);
    }

    @Override
    public boolean test(Evaluation e) {
        return e.ctx.facts().rpfilterPasses(e.packet, loose, validMark, acceptLocal) != invert;
    }

    @Override
    public Mismatch explain(Evaluation e) {
        boolean passes = e.ctx.facts().rpfilterPasses(e.packet, loose, validMark, acceptLocal);
        return new Mismatch(text, "reverse path of " + e.packet.src() + (passes ? " passes" : " fails") + " via "
                + Describe.device(e.packet.inIface()));
    }
}
