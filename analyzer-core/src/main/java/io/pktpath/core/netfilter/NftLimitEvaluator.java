package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.NftLimitMatch;
import java.util.Locale;

/**
 * nft's {@code limit} as nft_limit evaluates it, in nanoseconds of tokens: a packet limit costs {@code unit * 10^9 /
 * rate} per packet and holds {@code cost * burst}; a byte limit costs {@code unit * 10^9 * length / rate} (the IP
 * packet's length, skb->len at the IP hooks) and holds {@code unit * 10^9 * (rate + burst) / rate}, each division
 * rounding down as the kernel's u64 arithmetic does. At each evaluation the tokens grow by the time since the last one
 * (up to the bucket's size); a packet that finds enough pays, one that does not leaves them; the match holds when it
 * paid, or with {@code over} when it did not. The kernel fills the bucket when the rule is loaded, so it is taken
 * full at the first packet the replay evaluates (said in a note); the rule's one bucket serves both families of an inet
 * table.
 */
final class NftLimitEvaluator implements MatchEvaluator, KeyedExpression {
    private static final long NANOS = 1_000_000_000L;

    private final NftLimitMatch limit;
    private final long nsecs;
    /** A packet limit's cost per packet; unused for a byte limit. */
    private final long cost;
    private final long capacity;

    NftLimitEvaluator(NftLimitMatch limit) {
        this.limit = limit;
        this.nsecs = limit.unitSeconds() * NANOS;
        this.cost = nsecs / limit.rate();
        this.capacity = limit.bytes()
                ? Long.divideUnsigned(nsecs * (limit.rate() + limit.burst()), limit.rate())
                : cost * limit.burst();
    }

    /** The bucket's size in nanoseconds of tokens ({@code tokens_max}). */
    long capacity() {
        return capacity;
    }

    /** What a packet of {@code length} bytes costs, in nanoseconds of tokens. */
    long cost(int length) {
        return limit.bytes() ? Long.divideUnsigned(nsecs * length, limit.rate()) : cost;
    }

    @Override
    public boolean test(Evaluation e) {
        String key = RuleState.nftKey("limit", e.rule, limit.text());
        var before = e.state().bucket(key);
        if (before.isEmpty()) {
            e.note("nft limit of " + e.rule.label() + " assumed full at capture start, as the kernel fills it when the"
                    + " rule is loaded");
        }
        return evaluate(e, key);
    }

    @Override
    public boolean evaluate(Evaluation e, String key) {
        var before = e.state().bucket(key);
        long now = e.packet.timeNanos();
        long price = cost(e.packet.length());
        StateUpdate.BucketTake.Outcome out = StateUpdate.BucketTake.evaluate(before, now, price, capacity, 0);
        e.state().record(new StateUpdate.BucketTake(key, now, price, capacity, 0));
        boolean matched = out.paid() != limit.over();
        if (matched) {
            e.matchEffect(limit.text() + ": " + describe(out, price));
        }
        return matched;
    }

    /** Whether the packet paid, what it left (e.g. {@code over the rate, tokens for 0.74 of 3 packets}). */
    private String describe(StateUpdate.BucketTake.Outcome out, long price) {
        String of = amount(out.bucket().credit()) + " of " + whole(capacity) + (limit.bytes() ? " bytes" : " packets");
        if (out.paid()) {
            return "within the rate, tokens for " + of + " left after it";
        }
        return "over the rate, tokens for " + of + " (it needs " + whole(price) + ")";
    }

    /** Nanoseconds of tokens in packets with two decimals ({@code 1.24}), or in whole bytes. */
    private String amount(long tokens) {
        return limit.bytes() ? whole(tokens) : String.format(Locale.ROOT, "%.2f", (double) tokens / cost);
    }

    /** Nanoseconds of tokens in whole packets or bytes, rounded. */
    private String whole(long tokens) {
        double amount = limit.bytes() ? (double) tokens * limit.rate() / nsecs : (double) tokens / cost;
        return Long.toString(Math.round(amount));
    }

    @Override
    public Mismatch explain(Evaluation e) {
        return explain(e, RuleState.nftKey("limit", e.rule, limit.text()));
    }

    @Override
    public Mismatch explain(Evaluation e, String key) {
        long price = cost(e.packet.length());
        // test() recorded this packet's evaluation: the bucket as it left it; not matching, the packet paid with over
        TokenBucket left = e.state().bucket(key)
                .orElse(new TokenBucket(capacity, 0));
        StateUpdate.BucketTake.Outcome out = new StateUpdate.BucketTake.Outcome(left, limit.over());
        return new Mismatch(limit.text(), describe(out, price));
    }
}
