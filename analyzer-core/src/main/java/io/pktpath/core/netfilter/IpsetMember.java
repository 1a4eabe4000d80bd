package io.pktpath.core.netfilter;

/**
 * What SET targets did to one ipset element during the replay: added (until {@code expiresNanos} of capture time,
 * {@link Long#MAX_VALUE} without a timeout) or deleted.
 */
public record IpsetMember(boolean added, long expiresNanos) {
    /** The element was deleted. */
    public static IpsetMember deleted() {
        return new IpsetMember(false, Long.MIN_VALUE);
    }

    /** True when the element is in the set at capture time {@code nanos} (ip_set_timeout_expired: not after its expiry). */
    public boolean liveAt(long nanos) {
        return added && nanos <= expiresNanos;
    }
}
