package io.pktpath.core.netfilter;

import io.pktpath.parser.net.IpAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One change to stateful-match state caused by a walk (an nth evaluation, an nft quota consumed, a token taken or
 * refilled, a recent-list change, a connlimit list counted, an ipset element added or deleted); the walk only collects
 * them, {@link RuleState#commit} applies them once the path is chosen.
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

    /**
     * An nft {@code quota} evaluation: the packet's {@code bytes} are added to what the rule consumed (kept in the
     * counters' store under the quota's own key).
     */
    record QuotaConsume(String key, long bytes) implements StateUpdate {
        public QuotaConsume {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public void applyTo(StateStore store) {
            store.putNth(key, store.nthCount(key).orElse(0) + bytes);
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

    /**
     * {@code recent --set/--update}: a hit time is recorded for the address, keeping as many as the list keeps per
     * address (the larger of the rule's own need and the node's, see {@link RecentLimits}); a new address in a full
     * list first drops the least recently hit one (xt_recent's {@code recent_entry_init}).
     */
    record RecentStamp(String list, IpAddress address, long nanos, int ttl, int ruleStamps) implements StateUpdate {
        public RecentStamp {
            Objects.requireNonNull(list, "list");
            Objects.requireNonNull(address, "address");
        }

        @Override
        public void applyTo(StateStore store) {
            Optional<RecentEntry> found = store.recent(list, address);
            if (found.isEmpty()) {
                java.util.Map<IpAddress, RecentEntry> all = store.recentList(list);
                if (all.size() >= RecentLimits.ADDRESSES_PER_LIST) {
                    leastRecent(all).ifPresent(old -> store.putRecent(list, old, Optional.empty()));
                }
            }
            RecentEntry e = found.orElse(new RecentEntry(List.of(), ttl));
            int keep = Math.max(ruleStamps, store.recentStampLimit(list));
            store.putRecent(list, address, Optional.of(e.withStamp(nanos, ttl, keep)));
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

    /**
     * {@code recent --reap} after an {@code --rcheck/--update} found {@code working}: the kernel's
     * {@code recent_entry_reap} drops the list's least recently hit address, of either family, when its last hit is
     * older than {@code before}; never the working address when the rule is about to record it again
     * ({@code keepWorking}), and never single hit times of an address that stays.
     */
    record RecentReap(String list, IpAddress working, boolean keepWorking, long before) implements StateUpdate {
        public RecentReap {
            Objects.requireNonNull(list, "list");
            Objects.requireNonNull(working, "working");
        }

        /** The address this reap drops from {@code all}, if any. */
        Optional<IpAddress> victim(java.util.Map<IpAddress, RecentEntry> all) {
            return leastRecent(all).filter(a -> !(keepWorking && a.equals(working)) && all.get(a).newest() < before);
        }

        @Override
        public void applyTo(StateStore store) {
            victim(store.recentList(list)).ifPresent(a -> store.putRecent(list, a, Optional.empty()));
        }
    }

    /** The head of xt_recent's LRU list: the address whose last hit is oldest (the smaller address first on a tie). */
    static Optional<IpAddress> leastRecent(java.util.Map<IpAddress, RecentEntry> all) {
        IpAddress best = null;
        long bestTime = Long.MAX_VALUE;
        for (java.util.Map.Entry<IpAddress, RecentEntry> e : all.entrySet()) {
            long t = e.getValue().newest();
            if (best == null || t < bestTime || t == bestTime && e.getKey().compareTo(best) < 0) {
                best = e.getKey();
                bestTime = t;
            }
        }
        return Optional.ofNullable(best);
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

    /** An nft set statement created the element under {@code key} with {@code element}'s expression. */
    record NftElementCreated(String key, NftElementExpression element) implements StateUpdate {
        public NftElementCreated {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(element, "element");
        }

        @Override
        public void applyTo(StateStore store) {
            store.putNftElement(key, element);
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
