package io.pktpath.core.netfilter;

import io.pktpath.core.trace.RuleRef;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.net.IpAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The committed state of stateful matches across a replay (nth counters, limit/hashlimit buckets, recent lists,
 * connlimit lists, ipset elements changed by SET targets, nft set elements' expressions).
 * Walks only read it; the orchestrator applies the updates of the path it picked with {@link #commit(List)}.
 */
public final class RuleState implements StateStore {
    private final Map<String, Long> nth = new HashMap<>();
    private final Map<String, TokenBucket> buckets = new HashMap<>();
    private final Map<String, Map<IpAddress, RecentEntry>> recent = new HashMap<>();
    private final Map<String, List<CountedConnection>> connlimit = new HashMap<>();
    private final Set<String> tproxiedConnections = new HashSet<>();
    private final Map<IpsetKey, IpsetMember> ipsetMembers = new HashMap<>();
    private final Map<String, NftElementExpression> nftElements = new HashMap<>();
    private final RecentLimits recentLimits;

    /** A state for rules whose recent lists' sizes are unknown (each rule's own need decides). */
    public RuleState() {
        this(RecentLimits.NONE);
    }

    /** A state whose recent lists keep as many hit times as the node's rules make the kernel keep. */
    public RuleState(RecentLimits recentLimits) {
        this.recentLimits = recentLimits;
    }

    /** Applies the updates of one chosen walk, in order. */
    public void commit(List<StateUpdate> updates) {
        for (int i = 0; i < updates.size(); i++) {
            updates.get(i).applyTo(this);
        }
    }

    /** The key under which a rule's own state (nth counter, limit bucket) is kept. */
    public static String ruleKey(RuleRef rule) {
        return rule.family() + " " + rule.table() + " " + rule.chain() + " #" + rule.position();
    }

    /**
     * The key of a native nft rule's own state ({@code limit}, {@code quota}, {@code ct count}): its table (the family
     * in its name, {@code inet pkp_fw}), chain, position and expression, not the family of the packet, so an inet
     * rule's one state serves both families as the kernel's one expression does.
     */
    public static String nftKey(String kind, RuleRef rule, String expression) {
        return "nft " + kind + " " + rule.table() + " " + rule.chain() + " #" + rule.position() + " " + expression;
    }

    /** The key of a connection's TPROXY socket: its zone and original tuple (the same before and after confirmation). */
    public static String socketKey(int zone, Tuple original) {
        return zone + " " + original.protocol() + " " + original.src() + ":" + original.sport() + " " + original.dst() + ":"
                + original.dport();
    }

    /** True when TPROXY gave the connection with this zone and original tuple a local socket. */
    public boolean tproxied(int zone, Tuple original) {
        // asked for every packet delivered locally: no key is made while no TPROXY rule has given any socket
        return !tproxiedConnections.isEmpty() && socketAssigned(socketKey(zone, original));
    }

    /** How many times the nth rule was evaluated since the capture started, if ever. */
    public OptionalLong nthCounter(RuleRef rule) {
        return nthCount(ruleKey(rule));
    }

    /** An address's entry in a recent list. */
    public Optional<RecentEntry> recentEntry(String list, IpAddress address) {
        return recent(list, address);
    }

    @Override
    public OptionalLong nthCount(String ruleKey) {
        Long v = nth.get(ruleKey);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    @Override
    public void putNth(String ruleKey, long count) {
        nth.put(ruleKey, count);
    }

    @Override
    public Optional<TokenBucket> bucket(String key) {
        return Optional.ofNullable(buckets.get(key));
    }

    @Override
    public void putBucket(String key, TokenBucket bucket) {
        buckets.put(key, bucket);
    }

    @Override
    public Optional<RecentEntry> recent(String list, IpAddress address) {
        Map<IpAddress, RecentEntry> entries = recent.get(list);
        return entries == null ? Optional.empty() : Optional.ofNullable(entries.get(address));
    }

    @Override
    public void putRecent(String list, IpAddress address, Optional<RecentEntry> entry) {
        if (entry.isPresent()) {
            recent.computeIfAbsent(list, k -> new HashMap<>()).put(address, entry.get());
        } else if (recent.containsKey(list)) {
            recent.get(list).remove(address);
        }
    }

    @Override
    public Map<IpAddress, RecentEntry> recentList(String list) {
        Map<IpAddress, RecentEntry> entries = recent.get(list);
        return entries == null ? Map.of() : java.util.Collections.unmodifiableMap(entries);
    }

    @Override
    public int recentStampLimit(String list) {
        return recentLimits.stamps(list);
    }

    @Override
    public Optional<List<CountedConnection>> connlimit(String key) {
        return Optional.ofNullable(connlimit.get(key));
    }

    @Override
    public void putConnlimit(String key, List<CountedConnection> counted) {
        connlimit.put(key, List.copyOf(counted));
    }

    @Override
    public boolean socketAssigned(String connectionKey) {
        return tproxiedConnections.contains(connectionKey);
    }

    @Override
    public void putSocketAssigned(String connectionKey) {
        tproxiedConnections.add(connectionKey);
    }

    /** True once a SET target changed an ipset element in a committed walk. */
    boolean ipsetsChanged() {
        return !ipsetMembers.isEmpty();
    }

    @Override
    public Optional<IpsetMember> ipsetMember(IpsetKey key) {
        return ipsetMembers.isEmpty() ? Optional.empty() : Optional.ofNullable(ipsetMembers.get(key));
    }

    @Override
    public void putIpsetMember(IpsetKey key, IpsetMember member) {
        ipsetMembers.put(key, member);
    }

    @Override
    public int liveIpsetMembers(String set, long nanos) {
        int n = 0;
        for (Map.Entry<IpsetKey, IpsetMember> m : ipsetMembers.entrySet()) {
            if (m.getKey().set().equals(set) && m.getValue().liveAt(nanos)) {
                n++;
            }
        }
        return n;
    }

    @Override
    public List<IpsetMember> membersOf(String set) {
        List<IpsetMember> out = new java.util.ArrayList<>();
        ipsetMembers.forEach((k, m) -> {
            if (k.set().equals(set)) {
                out.add(m);
            }
        });
        return out;
    }

    @Override
    public Optional<NftElementExpression> nftElement(String key) {
        return Optional.ofNullable(nftElements.get(key));
    }

    @Override
    public void putNftElement(String key, NftElementExpression element) {
        nftElements.put(key, element);
    }

    /** Every element SET targets and set statements changed, with what they last did to it. */
    Map<IpsetKey, IpsetMember> ipsetMembers() {
        return java.util.Collections.unmodifiableMap(ipsetMembers);
    }
}
