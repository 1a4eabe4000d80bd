package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.NftQuotaMatch;

/**
 * nft's {@code quota} as nft_quota evaluates it: every packet that reaches the expression adds its length (skb->len:
 * the IP packet at the IP hooks) to the bytes consumed, and is over the quota when they then exceed it (consumed &gt;
 * quota, as kernels since 2025 count, 6.18 included; before, at equal too); the match holds while not over, or with
 * {@code over} once over. The consumption starts at 0 at capture start, as when the rule was loaded: the listing's
 * {@code used} is read after the traffic (a note says what it said).
 */
final class NftQuotaEvaluator implements MatchEvaluator, KeyedExpression {
    private final NftQuotaMatch quota;

    NftQuotaEvaluator(NftQuotaMatch quota) {
        this.quota = quota;
    }

    /** True when {@code consumed} bytes, this packet's included, are over the quota. */
    boolean overQuota(long consumed) {
        return consumed > quota.bytes();
    }

    private String key(Evaluation e) {
        return RuleState.nftKey("quota", e.rule, quota.text());
    }

    @Override
    public boolean test(Evaluation e) {
        String key = key(e);
        var before = e.state().nthCount(key);
        if (before.isEmpty()) {
            e.note("nft quota of " + e.rule.label() + " assumed unused at capture start"
                    + (quota.used() > 0 ? " (the listing, taken after the traffic, says used " + quota.used()
                    + " bytes)" : ""));
        }
        return evaluate(e, key);
    }

    @Override
    public boolean evaluate(Evaluation e, String key) {
        var before = e.state().nthCount(key);
        long consumed = before.orElse(0) + e.packet.length();
        e.state().record(new StateUpdate.QuotaConsume(key, e.packet.length()));
        boolean matched = overQuota(consumed) == quota.over();
        if (matched) {
            e.matchEffect(quota.text() + ": " + describe(consumed, e.packet.length()));
        }
        return matched;
    }

    private String describe(long consumed, int length) {
        return consumed + " of " + quota.bytes() + " bytes consumed with this packet's " + length
                + (overQuota(consumed) ? " (over the quota)" : " (within the quota)");
    }

    @Override
    public Mismatch explain(Evaluation e) {
        return explain(e, key(e));
    }

    @Override
    public Mismatch explain(Evaluation e, String key) {
        // evaluate() recorded this packet's consumption
        return new Mismatch(quota.text(), describe(e.state().nthCount(key).orElse(0), e.packet.length()));
    }
}
