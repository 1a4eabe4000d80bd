package io.pktpath.core.netfilter;

import io.pktpath.core.engine.ConntrackFacts;
import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.iptables.match.ConnlimitMatch;
import io.pktpath.parser.iptables.match.NftCountMatch;
import io.pktpath.parser.iptables.match.OptionValue;
import io.pktpath.parser.iptables.model.Negatable;
import io.pktpath.parser.net.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code -m connlimit} as xt_connlimit counts with nf_conncount: each rule keeps, per key (the source address, or the
 * destination with {@code --connlimit-daddr}, masked by {@code --connlimit-mask}, and the conntrack zone), the list of
 * connections it counted; an evaluation drops the listed connections conntrack no longer holds or holds in TCP
 * TIME_WAIT/CLOSE, adds the packet's own connection when it is not listed, and the match holds when the count is above
 * the limit, inverted for {@code --connlimit-upto} and for a negated option ({@code ! --connlimit-upto} is
 * {@code --connlimit-above}). A connection not listed yet is added at whichever of its packets reaches the rule, as
 * kernels before the nf_conncount rework of 6.19 do (since then only a connection's first packet adds it), so that a
 * connection open before the capture counts from its first packet in it. nft's {@code ct count} is the same count over
 * one list of the rule. Not modelled: the skipped clean-up when the same list was cleaned within the current jiffy, and
 * a listed connection another CPU has not confirmed yet.
 */
final class ConnlimitEvaluator implements MatchEvaluator, KeyedExpression {
    /** CONNCOUNT_GC_MAX_NODES: an evaluation stops dropping after it dropped more than this many connections. */
    private static final int GC_MAX = 8;

    private final long limit;
    private final boolean invert;
    private final boolean daddr;
    private final int prefix;
    private final String text;
    /** nft's {@code ct count}: one list for the rule, whatever the addresses, families and zones. */
    private final boolean ruleWide;

    /**
     * nft's {@code ct count [over] N} as nft_connlimit counts it with the same nf_conncount list: one list of the
     * rule (shared by both families of an inet table), the match true while the count is at most N, with {@code over}
     * above it.
     */
    ConnlimitEvaluator(NftCountMatch m) {
        this.text = m.text();
        this.limit = m.count();
        this.invert = !m.over();
        this.daddr = false;
        this.prefix = 0;
        this.ruleWide = true;
    }

    ConnlimitEvaluator(ConnlimitMatch m) {
        this.ruleWide = false;
        this.text = Describe.module(m);
        boolean upto = m.upto().isPresent();
        Optional<Negatable<OptionValue.Number>> value = upto ? m.upto() : m.above();
        this.limit = value.map(v -> v.value().value()).orElse(0L);
        this.invert = upto != value.map(Negatable::negated).orElse(false);
        this.daddr = m.daddr();
        this.prefix = (int) m.mask().map(v -> v.value().value()).orElse(-1L).longValue();
    }

    private String group(Evaluation e) {
        if (ruleWide) {
            return "every address";
        }
        IpAddress a = daddr ? e.packet.dst() : e.packet.src();
        return Prefixes.masked(a, prefix) + "/" + Prefixes.length(a, prefix);
    }

    private String key(Evaluation e, String group, int zone) {
        if (ruleWide) {
            return RuleState.nftKey("ct count", e.rule, text);
        }
        return "connlimit " + RuleState.ruleKey(e.rule) + " " + group + " zone " + zone;
    }

    /**
     * The packet's own connection as xt_connlimit takes it: its ct's ORIGINAL tuple and zone, or the packet's tuple in
     * zone 0 without one; empty for an ICMP connection's packet in the REPLY direction, whose ORIGINAL ICMP type is
     * not at hand (kernels since the nf_conncount rework would not add that confirmed connection anyway).
     */
    private static Optional<CountedConnection> own(Evaluation e) {
        Optional<CtInfo> ct = e.trackedCt();
        Tuple tuple = ct.map(CtInfo::original).orElse(e.packet.tuple());
        boolean icmp = tuple.protocol() == Packet.ICMP || tuple.protocol() == Packet.ICMPV6;
        if (icmp && ct.isPresent() && ct.get().replyDirection()) {
            return Optional.empty();
        }
        return Optional.of(new CountedConnection(tuple, icmp ? e.packet.icmpType() : 0, ct.map(CtInfo::zone).orElse(0)));
    }

    /**
     * What nf_conncount's add does to {@code listed} for {@code own}, reading the conntrack table at the packet's time:
     * the list it leaves, whose size is the count.
     */
    private static List<CountedConnection> count(Evaluation e, List<CountedConnection> listed, Optional<CountedConnection> own) {
        ConntrackFacts table = e.ctx.conntrack();
        long now = e.packet.timeNanos();
        List<CountedConnection> left = new ArrayList<>(listed.size() + 1);
        int dropped = 0;
        for (int i = 0; i < listed.size(); i++) {
            CountedConnection c = listed.get(i);
            if (dropped > GC_MAX) {
                left.addAll(listed.subList(i, listed.size()));
                break;
            }
            ConntrackFacts.Presence p = table.presence(c.tuple(), c.icmpType(), c.zone(), now);
            if (p != ConntrackFacts.Presence.ABSENT && own.isPresent() && c.equals(own.get())) {
                left.addAll(listed.subList(i, listed.size()));
                return left;
            }
            if (p == ConntrackFacts.Presence.OPEN) {
                left.add(c);
            } else {
                dropped++;
            }
        }
        own.ifPresent(left::add);
        return left;
    }

    @Override
    public boolean test(Evaluation e) {
        Optional<CountedConnection> own = own(e);
        String group = group(e);
        String key = key(e, group, own.map(CountedConnection::zone).orElse(0));
        Optional<List<CountedConnection>> listed = e.state().connlimit(key);
        if (listed.isEmpty()) {
            e.note(ruleWide ? "ct count of " + e.rule.label() + ": no connection counted yet in this replay (the"
                    + " connections the rule counted before the capture are unknown)"
                    : "connlimit of " + e.rule.label() + ": no earlier connection of " + group
                    + " in this replay (connections counted at capture start unknown)");
        }
        List<CountedConnection> left = count(e, listed.orElse(List.of()), own);
        e.state().record(new StateUpdate.ConnlimitCount(key, left));
        boolean matched = left.size() > limit != invert;
        if (matched && ruleWide) {
            e.matchEffect(text + ": " + counted(left.size(), "by the rule"));
        }
        return matched;
    }

    /** nft's count as a step says it: {@code 3 connections counted by the rule (over 2)}. */
    private String counted(int n, String by) {
        return n + (n == 1 ? " connection" : " connections") + " counted " + by + " ("
                + (n > limit ? "over " : "at most ") + limit + ")";
    }

    /** nft's {@code ct count} on the list under {@code key} (a set element's): the count as {@link #test} takes it. */
    @Override
    public boolean evaluate(Evaluation e, String key) {
        List<CountedConnection> left = count(e, e.state().connlimit(key).orElse(List.of()), own(e));
        e.state().record(new StateUpdate.ConnlimitCount(key, left));
        boolean matched = left.size() > limit != invert;
        if (matched) {
            e.matchEffect(text + ": " + counted(left.size(), "for the element"));
        }
        return matched;
    }

    @Override
    public Mismatch explain(Evaluation e, String key) {
        // evaluate() recorded the list with the packet's own connection
        return new Mismatch(text, counted(e.state().connlimit(key).orElse(List.of()).size(), "for the element"));
    }

    @Override
    public Mismatch explain(Evaluation e) {
        Optional<CountedConnection> own = own(e);
        String group = group(e);
        String key = key(e, group, own.map(CountedConnection::zone).orElse(0));
        int n = count(e, e.state().connlimit(key).orElse(List.of()), own).size();
        if (ruleWide) {
            return new Mismatch(text, counted(n, "by the rule"));
        }
        return new Mismatch(text, n + (n == 1 ? " connection" : " connections") + " of " + group
                + (invert ? " (matches up to " : " (matches above ") + limit + ")");
    }
}
