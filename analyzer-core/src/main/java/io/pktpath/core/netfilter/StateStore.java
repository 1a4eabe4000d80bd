package io.pktpath.core.netfilter;

import io.pktpath.parser.net.IpAddress;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Storage of stateful-match state (nth counters, which also hold each nft quota's bytes consumed, token buckets, recent
 * lists, connlimit lists, TPROXY sockets, ipset elements changed by SET targets, the expression each nft set element was
 * created with) that {@link StateUpdate}s modify.
 */
public interface StateStore {
    OptionalLong nthCount(String ruleKey);

    void putNth(String ruleKey, long count);

    Optional<TokenBucket> bucket(String key);

    void putBucket(String key, TokenBucket bucket);

    Optional<RecentEntry> recent(String list, IpAddress address);

    void putRecent(String list, IpAddress address, Optional<RecentEntry> entry);

    /** Every address of a recent list with its entry (empty when the list holds none). */
    java.util.Map<IpAddress, RecentEntry> recentList(String list);

    /** The hit times the node's rules make the kernel keep per address of {@code list}; 0 when unknown. */
    int recentStampLimit(String list);

    /** The connections a connlimit rule counted under {@code key}, oldest first; empty when it never counted any. */
    Optional<List<CountedConnection>> connlimit(String key);

    void putConnlimit(String key, List<CountedConnection> counted);

    /** True when TPROXY gave the connection with this key ({@link LocalSockets#key}) a local socket. */
    boolean socketAssigned(String connectionKey);

    void putSocketAssigned(String connectionKey);

    /** What SET targets last did to an ipset element, if anything. */
    java.util.Optional<IpsetMember> ipsetMember(IpsetKey key);

    void putIpsetMember(IpsetKey key, IpsetMember member);

    /** How many elements of {@code set} changes added and left in it at capture time {@code nanos}. */
    int liveIpsetMembers(String set, long nanos);

    /** What changes last did to each element of {@code set} (added until an expiry, or deleted), in no order. */
    List<IpsetMember> membersOf(String set);

    /** The expression the nft set element under {@code key} (its set, value and generation) was created with. */
    Optional<NftElementExpression> nftElement(String key);

    void putNftElement(String key, NftElementExpression element);
}
