package io.pktpath.core.netfilter;

import io.pktpath.parser.net.IpAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One change to stateful-match state caused by a walk (an nth evaluation, a token taken or refilled, a recent-list
 * change, a connlimit list counted, an ipset element added or deleted); the walk only collects them, {@link RuleState#commit} applies them once the path
 * is chosen.
 */
public sealed interface StateUpdate {

    void applyTo(StateStore store);

    /** An {@code nth} rule was evaluated once more. */
    record NthAdvance(String ruleKey) implements StateUpdate {
        public NthAdvance {
            Objects.requireNonNull(ruleKey, "ruleKey");
        }

        @Override
        public void applyTo(StateStore store) {
            store.putNth(ruleKey, store.nthCount(ruleKey).orElse(0) + 1);
        }
    }

    /** A token-bucket evaluation at a packet time: refill, then pay {@code cost} if the bucket holds it. */
    record BucketTake(String key, long nanos, long cost, long capacity, long expireNanos) implements StateUpdate {
        public BucketTake {
            Objects.requireNonNull(key, "key");
        }

        /** The bucket after this evaluation and whether the packet was within the limit. */
        static Outcome evaluate(Optional<TokenBucket> before, long nanos, long cost, long capacity, long expireNanos) {
            TokenBucket b = TokenBucket.at(before, nanos, capacity, expireNanos);
            return b.canPay(cost) ? new Outcome(b.pay(cost), true) : new Outcome(b, false);
        }

        @Override
        public void applyTo(StateStore store) {
            store.putBucket(key, evaluate(store.bucket(key), nanos, cost, capacity, expireNanos).bucket());
        }

        /** A bucket and whether the packet could pay. */
        record Outcome(TokenBucket bucket, boolean paid) {
        }
    }

    /** {@code recent --set/--update}: a hit time is recorded for the address. */
    record RecentStamp(String list, IpAddress address, long nanos, int ttl) implements StateUpdate {
        public RecentStamp {
            Objects.requireNonNull(list, "list");
            Objects.requireNonNull(address, "address");
        }

        @Override
        public void applyTo(StateStore store) {
            RecentEntry e = store.recent(list, address).orElse(new RecentEntry(java.util.List.of(), ttl));
            store.putRecent(list, address, Optional.of(e.withStamp(nanos, ttl)));
        }
    }

    /** {@code recent --remove}: the address leaves the list. */
    record RecentRemove(String list, IpAddress address) implements StateUpdate {
        public RecentRemove {
            Objects.requireNonNull(list, "list");
            Objects.requireNonNull(address, "address");
        }

        @Override
        public void applyTo(StateStore store) {
            store.putRecent(list, address, Optional.empty());
        }
    }

    /** {@code recent --reap}: hits older than {@code before} are forgotten. */
    record RecentReap(String list, IpAddress address, long before) implements StateUpdate {
        public RecentReap {
            Objects.requireNonNull(list, "list");
            Objects.requireNonNull(address, "address");
        }

        @Override
        public void applyTo(StateStore store) {
            store.recent(list, address).ifPresent(e -> store.putRecent(list, address, Optional.of(e.reaped(before))));
        }
    }

    /**
     * A connlimit evaluation: the list under {@code key} as it left it (connections gone or closing dropped, the
     * packet's own added).
     */
    record ConnlimitCount(String key, List<CountedConnection> counted) implements StateUpdate {
        public ConnlimitCount {
            Objects.requireNonNull(key, "key");
            counted = List.copyOf(counted);
        }

        @Override
        public void applyTo(StateStore store) {
            store.putConnlimit(key, counted);
        }
    }

    /** TPROXY assigned a local socket to the connection with this key. */
    record SocketAssigned(String connectionKey) implements StateUpdate {
        public SocketAssigned {
            Objects.requireNonNull(connectionKey, "connectionKey");
        }

        @Override
        public void applyTo(StateStore store) {
            store.putSocketAssigned(connectionKey);
        }
    }

    /** A SET target added an element (or, with {@code --exist}, reset its timeout): a member until {@code expiresNanos}. */
    record IpsetAdd(IpsetKey key, long expiresNanos) implements StateUpdate {
        public IpsetAdd {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public void applyTo(StateStore store) {
            store.putIpsetMember(key, new IpsetMember(true, expiresNanos));
        }
    }

    /** A SET target deleted an element. */
    record IpsetDel(IpsetKey key) implements StateUpdate {
        public IpsetDel {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public void applyTo(StateStore store) {
            store.putIpsetMember(key, IpsetMember.deleted());
        }
    }
}
