package io.pktpath.core.netfilter;

import io.pktpath.parser.net.IpAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The rule state as one walk sees it: the committed {@link RuleState} plus this walk's own updates so far, which are
 * also collected (in order) for a later commit. Nothing reaches the committed state from here.
 */
final class StateView implements StateStore {
    private final RuleState committed;
    private final List<StateUpdate> updates = new ArrayList<>();
    private Map<String, Long> nth;
    private Map<String, TokenBucket> buckets;
    private Map<String, Map<IpAddress, Optional<RecentEntry>>> recent;
    private Map<String, List<CountedConnection>> connlimit;
    private Set<String> sockets;
    private Map<IpsetKey, IpsetMember> ipsetMembers;
    private Map<String, NftElementExpression> nftElements;

    StateView(RuleState committed) {
        this.committed = committed;
    }

    void record(StateUpdate update) {
        updates.add(update);
        update.applyTo(this);
    }

    List<StateUpdate> updates() {
        return updates;
    }

    @Override
    public OptionalLong nthCount(String ruleKey) {
        if (nth != null && nth.containsKey(ruleKey)) {
            return OptionalLong.of(nth.get(ruleKey));
        }
        return committed.nthCount(ruleKey);
    }

    @Override
    public void putNth(String ruleKey, long count) {
        if (nth == null) {
            nth = new HashMap<>();
        }
        nth.put(ruleKey, count);
    }

    @Override
    public Optional<TokenBucket> bucket(String key) {
        if (buckets != null && buckets.containsKey(key)) {
            return Optional.of(buckets.get(key));
        }
        return committed.bucket(key);
    }

    @Override
    public void putBucket(String key, TokenBucket bucket) {
        if (buckets == null) {
            buckets = new HashMap<>();
        }
        buckets.put(key, bucket);
    }

    @Override
    public Optional<RecentEntry> recent(String list, IpAddress address) {
        Map<IpAddress, Optional<RecentEntry>> changed = recent == null ? null : recent.get(list);
        if (changed != null && changed.containsKey(address)) {
            return changed.get(address);
        }
        return committed.recent(list, address);
    }

    @Override
    public void putRecent(String list, IpAddress address, Optional<RecentEntry> entry) {
        if (recent == null) {
            recent = new HashMap<>();
        }
        recent.computeIfAbsent(list, k -> new HashMap<>()).put(address, entry);
    }

    @Override
    public Map<IpAddress, RecentEntry> recentList(String list) {
        Map<IpAddress, Optional<RecentEntry>> changed = recent == null ? null : recent.get(list);
        if (changed == null) {
            return committed.recentList(list);
        }
        Map<IpAddress, RecentEntry> out = new HashMap<>(committed.recentList(list));
        changed.forEach((a, e) -> {
            if (e.isPresent()) {
                out.put(a, e.get());
            } else {
                out.remove(a);
            }
        });
        return out;
    }

    @Override
    public int recentStampLimit(String list) {
        return committed.recentStampLimit(list);
    }

    @Override
    public Optional<List<CountedConnection>> connlimit(String key) {
        if (connlimit != null && connlimit.containsKey(key)) {
            return Optional.of(connlimit.get(key));
        }
        return committed.connlimit(key);
    }

    @Override
    public void putConnlimit(String key, List<CountedConnection> counted) {
        if (connlimit == null) {
            connlimit = new HashMap<>();
        }
        connlimit.put(key, List.copyOf(counted));
    }

    @Override
    public boolean socketAssigned(String connectionKey) {
        return sockets != null && sockets.contains(connectionKey) || committed.socketAssigned(connectionKey);
    }

    @Override
    public void putSocketAssigned(String connectionKey) {
        if (sockets == null) {
            sockets = new HashSet<>();
        }
        sockets.add(connectionKey);
    }

    /** True when a SET target changed an ipset element, committed or in this walk. */
    boolean ipsetsChanged() {
        return ipsetMembers != null || committed.ipsetsChanged();
    }

    @Override
    public Optional<IpsetMember> ipsetMember(IpsetKey key) {
        if (ipsetMembers != null && ipsetMembers.containsKey(key)) {
            return Optional.of(ipsetMembers.get(key));
        }
        return committed.ipsetMember(key);
    }

    @Override
    public void putIpsetMember(IpsetKey key, IpsetMember member) {
        if (ipsetMembers == null) {
            ipsetMembers = new HashMap<>();
        }
        ipsetMembers.put(key, member);
    }

    @Override
    public int liveIpsetMembers(String set, long nanos) {
        if (ipsetMembers == null) {
            return committed.liveIpsetMembers(set, nanos);
        }
        Map<IpsetKey, IpsetMember> all = new HashMap<>(committed.ipsetMembers());
        all.putAll(ipsetMembers);
        int n = 0;
        for (Map.Entry<IpsetKey, IpsetMember> m : all.entrySet()) {
            if (m.getKey().set().equals(set) && m.getValue().liveAt(nanos)) {
                n++;
            }
        }
        return n;
    }

    @Override
    public List<IpsetMember> membersOf(String set) {
        if (ipsetMembers == null) {
            return committed.membersOf(set);
        }
        Map<IpsetKey, IpsetMember> all = new HashMap<>(committed.ipsetMembers());
        all.putAll(ipsetMembers);
        List<IpsetMember> out = new ArrayList<>();
        all.forEach((k, m) -> {
            if (k.set().equals(set)) {
                out.add(m);
            }
        });
        return out;
    }

    @Override
    public Optional<NftElementExpression> nftElement(String key) {
        if (nftElements != null && nftElements.containsKey(key)) {
            return Optional.of(nftElements.get(key));
        }
        return committed.nftElement(key);
    }

    @Override
    public void putNftElement(String key, NftElementExpression element) {
        if (nftElements == null) {
            nftElements = new HashMap<>();
        }
        nftElements.put(key, element);
    }
}
