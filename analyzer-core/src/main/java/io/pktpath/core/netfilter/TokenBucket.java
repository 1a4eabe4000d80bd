package io.pktpath.core.netfilter;

/**
 * A token bucket of {@code limit}/{@code hashlimit}, in nanoseconds of credit: each packet costs {@code unit / rate}
 * and the bucket holds at most {@code burst} packets' worth; credit accrues with packet time.
 */
public record TokenBucket(long credit, long lastNanos) {

    /** The bucket at time {@code now}: full when new or expired ({@code expireNanos > 0}), else refilled by elapsed time. */
    static TokenBucket at(java.util.Optional<TokenBucket> previous, long now, long capacity, long expireNanos) {
        if (previous.isEmpty()) {
            return new TokenBucket(capacity, now);
        }
        TokenBucket b = previous.get();
        long elapsed = Math.max(0, now - b.lastNanos);
        if (expireNanos > 0 && elapsed > expireNanos) {
            return new TokenBucket(capacity, now);
        }
        long credit = capacity - b.credit < elapsed ? capacity : b.credit + elapsed;
        return new TokenBucket(credit, Math.max(now, b.lastNanos));
    }

    boolean canPay(long cost) {
        return credit >= cost;
    }

    TokenBucket pay(long cost) {
        return new TokenBucket(credit - cost, lastNanos);
    }
}
