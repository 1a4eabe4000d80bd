package io.pktpath.core.netfilter;

/**
 * {@code -m limit --limit N/unit --limit-burst B}: a token bucket driven by packet timestamps, full when first seen in
 * this replay (as when the rule was inserted), each packet costing {@code unit / N}; deterministic.
 */
final class LimitEvaluator implements MatchEvaluator {
    private final long cost;
    private final long capacity;
    private final String text;

    LimitEvaluator(long cost, long burst, String text) {
        this.cost = cost;
        this.capacity = cost * Math.max(1, burst);
        this.text = text;
    }

    private String key(Evaluation e) {
        return "limit " + RuleState.ruleKey(e.rule);
    }

    @Override
    public boolean test(Evaluation e) {
        String key = key(e);
        var before = e.state().bucket(key);
        if (before.isEmpty()) {
            e.note("limit bucket of " + e.rule.label() + " assumed full at capture start");
        }
        boolean paid = StateUpdate.BucketTake.evaluate(before, e.packet.timeNanos(), cost, capacity, 0).paid();
        e.state().record(new StateUpdate.BucketTake(key, e.packet.timeNanos(), cost, capacity, 0));
        return paid;
    }

    @Override
    public Mismatch explain(Evaluation e) {
        long credit = e.state().bucket(key(e)).map(TokenBucket::credit).orElse(capacity);
        return new Mismatch(text, "over the limit: " + (credit / cost) + " packets of credit left");
    }
}
