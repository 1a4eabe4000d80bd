package io.pktpath.core.netfilter;

/**
 * {@code -m statistic --mode nth --every n --packet p}: evaluation number k (from 0, counting every packet that reaches
 * the rule) matches when {@code k % n == p}; a counter never seen in this replay starts at 0 (noted).
 */
final class NthEvaluator implements MatchEvaluator {
    private final long every;
    private final long packet;
    private final boolean negated;
    private final String text;

    NthEvaluator(long every, long packet, boolean negated, String text) {
        this.every = Math.max(1, every);
        this.packet = packet;
        this.negated = negated;
        this.text = text;
    }

    @Override
    public boolean test(Evaluation e) {
        String key = RuleState.ruleKey(e.rule);
        java.util.OptionalLong count = e.state().nthCount(key);
        if (count.isEmpty()) {
            e.note("nth counter of " + e.rule.label() + " unknown at capture start: assumed 0");
        }
        long k = count.orElse(0);
        e.state().record(new StateUpdate.NthAdvance(key));
        return (k % every == packet) != negated;
    }

    @Override
    public Mismatch explain(Evaluation e) {
        long k = e.state().nthCount(RuleState.ruleKey(e.rule)).orElse(1) - 1;
        return new Mismatch(text, "evaluation #" + k + " (" + k + " % " + every + " = " + (k % every) + ")");
    }
}
