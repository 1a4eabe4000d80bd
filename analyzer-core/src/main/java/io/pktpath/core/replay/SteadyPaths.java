package io.pktpath.core.replay;

import io.pktpath.core.conntrack.Connection;
import io.pktpath.core.conntrack.CtDirection;
import io.pktpath.core.conntrack.CtLookup;
import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.CtStatus;
import io.pktpath.core.engine.LinkClass;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.netfilter.TableResult;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrozenList;
import io.pktpath.core.trace.JoinedList;
import io.pktpath.core.trace.NatChange;
import io.pktpath.core.trace.DeferredText;
import io.pktpath.core.trace.RouteDecision;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.iptables.match.AddressMatch;
import io.pktpath.parser.iptables.match.AddrtypeMatch;
import io.pktpath.parser.iptables.match.CommentMatch;
import io.pktpath.parser.iptables.match.ConnmarkMatch;
import io.pktpath.parser.iptables.match.ConntrackMatch;
import io.pktpath.parser.iptables.match.FragmentMatch;
import io.pktpath.parser.iptables.match.Icmp6Match;
import io.pktpath.parser.iptables.match.IcmpMatch;
import io.pktpath.parser.iptables.match.InterfaceMatch;
import io.pktpath.parser.iptables.match.IprangeMatch;
import io.pktpath.parser.iptables.match.MacMatch;
import io.pktpath.parser.iptables.match.MarkMatch;
import io.pktpath.parser.iptables.match.Match;
import io.pktpath.parser.iptables.match.MatchOption;
import io.pktpath.parser.iptables.match.MultiportMatch;
import io.pktpath.parser.iptables.match.PhysdevMatch;
import io.pktpath.parser.iptables.match.PkttypeMatch;
import io.pktpath.parser.iptables.match.ProtocolMatch;
import io.pktpath.parser.iptables.match.RpfilterMatch;
import io.pktpath.parser.iptables.match.SctpMatch;
import io.pktpath.parser.iptables.match.SetMatch;
import io.pktpath.parser.iptables.match.StateMatch;
import io.pktpath.parser.iptables.match.TcpMatch;
import io.pktpath.parser.iptables.match.UdpMatch;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.model.Table;
import io.pktpath.parser.iptables.target.Accept;
import io.pktpath.parser.iptables.target.Checksum;
import io.pktpath.parser.iptables.target.Connmark;
import io.pktpath.parser.iptables.target.Ct;
import io.pktpath.parser.iptables.target.Drop;
import io.pktpath.parser.iptables.target.Goto;
import io.pktpath.parser.iptables.target.Jump;
import io.pktpath.parser.iptables.target.Log;
import io.pktpath.parser.iptables.target.Mark;
import io.pktpath.parser.iptables.target.Nflog;
import io.pktpath.parser.iptables.target.NoTarget;
import io.pktpath.parser.iptables.target.Notrack;
import io.pktpath.parser.iptables.target.Reject;
import io.pktpath.parser.iptables.target.Return;
import io.pktpath.parser.iptables.target.StatementVerdict;
import io.pktpath.parser.iptables.target.Target;
import io.pktpath.parser.iptables.target.Trace;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.nft.NftChain;
import io.pktpath.parser.nft.NftNativeReplay;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Remembers, per connection and direction (in a slot of the connection), what happens to a packet of an established
 * flow after the conntrack lookup (mangle, NAT from the ct, routing, FORWARD/INPUT, POSTROUTING, neighbor), so the
 * next packet of that flow that looks the same to every rule reuses it instead of walking again. Only rulesets whose non-nat tables test nothing but
 * values that are the same for every packet of a flow direction qualify (addresses, ports, interfaces, ct state, marks,
 * sets, addrtype; no TCP flags, lengths, TTLs, rates, randomness or timeouts), and only runs that asked the oracle
 * nothing and changed no rule state are kept: a reused suffix is exactly what a fresh walk would produce. ip_forward's
 * own checks read a packet's TTL and length: a forwarded suffix serves only packets that pass them too, and a run they
 * ended is not kept ({@link ForwardChecks}).
 */
final class SteadyPaths {
    /** At most this many suffixes are kept (the oldest slot is emptied first), so memory follows live flows. */
    static final int CAPACITY = 1 << 12;

    private long reused;
    private final boolean eligible4;
    private final boolean eligible6;
    private final boolean keyStatus;
    /** The connections holding a remembered suffix, oldest first, so that at most {@link #CAPACITY} are kept. */
    private final Connection[] holders = new Connection[CAPACITY];
    private final boolean[] holderReplies = new boolean[CAPACITY];
    private int nextHolder;
    /** One shared list of table results per way of committing them, for the suffixes' commits to read. */
    private final CommitForms commitForms = new CommitForms();

    SteadyPaths(Optional<Ruleset> v4, Optional<Ruleset> v6, boolean enabled) {
        this(v4, v6, NftNativeReplay.none(), enabled);
    }

    /**
     * As {@link #SteadyPaths(Optional, Optional, boolean)}, on a node whose native nftables chains {@code natives} are
     * replayed too: a family qualifies only if every rule its replayed native filter chains can reach is flow-stable as
     * well (native nat chains, like iptables' nat table, see only a connection's first packet).
     */
    SteadyPaths(Optional<Ruleset> v4, Optional<Ruleset> v6, NftNativeReplay natives,
                boolean enabled) {
        this(v4, v6, natives, enabled, io.pktpath.parser.bundle.LegacyIptables.none());
    }

    /**
     * As {@link #SteadyPaths(Optional, Optional, NftNativeReplay, boolean)}, with iptables-legacy rules walked beside the
     * main ones: a family qualifies only if its legacy rules are flow-stable too.
     */
    SteadyPaths(Optional<Ruleset> v4, Optional<Ruleset> v6, NftNativeReplay natives, boolean enabled,
                io.pktpath.parser.bundle.LegacyIptables legacy) {
        this.eligible4 = enabled && v4.map(SteadyPaths::flowStable).orElse(true) && nativesStable(natives, IpFamily.V4)
                && legacy.rulesetV4().map(SteadyPaths::flowStable).orElse(true);
        this.eligible6 = enabled && v6.map(SteadyPaths::flowStable).orElse(true) && nativesStable(natives, IpFamily.V6)
                && legacy.rulesetV6().map(SteadyPaths::flowStable).orElse(true);
        this.keyStatus = java.util.stream.Stream.of(v4, v6, legacy.rulesetV4(), legacy.rulesetV6())
                .anyMatch(r -> r.map(SteadyPaths::testsCtStatus).orElse(false));
    }

    /** True if a rule outside nat tests {@code --ctstatus}; only then do status bits (SEEN_REPLY, ASSURED) tell keys apart. */
    static boolean testsCtStatus(Ruleset rules) {
        return rules.tables().stream().filter(t -> !t.name().equals("nat")).flatMap(t -> t.rules().stream())
                .flatMap(r -> r.matches().stream()).anyMatch(m -> m instanceof ConntrackMatch c
                        && c.options().stream().anyMatch(o -> o.name().equals("--ctstatus")));
    }

    /**
     * Everything a rule, the route lookup or the ct's NAT can see of a packet of an established flow, besides the
     * connection and direction (the slot it is kept in): the key under which its path after the lookup is remembered.
     */
    record Key(CtState state, long ctMark, Set<CtStatus> status, int protocol, IpAddress src, int sport, IpAddress dst,
               int dport, String inIface, String physIn, String physOut, boolean bridged, long mark, int icmpType,
               int icmpCode, boolean fragment, LinkClass linkClass, Optional<String> macSource, int family) {
    }

    /**
     * What a run added after the conntrack lookup, ready to be appended to another run of the same key; its table
     * results are the shared list of form {@code commitForm} ({@link CommitForms}), {@link Commit#NO_FORM} when not shared.
     */
    record Suffix(List<TraceStep> steps, List<TableResult> tables, List<String> notes, long ctMark,
                  Optional<RouteDecision> route, Optional<Egress> egress, Disposition disposition, DeferredText reason,
                  boolean confirm, Optional<NatChange> nat, int forwardedWithMtu, int ingressMtu, long endMark,
                  int commitForm) {
        Suffix {
            steps = JoinedList.immutable(steps);
            tables = List.copyOf(tables);
            notes = List.copyOf(notes);
        }
    }

    /** Whether packets of this family may reuse remembered suffixes at all (reuse on, and the ruleset qualifies). */
    boolean enabled(IpFamily family) {
        return family.number() == 4 ? eligible4 : eligible6;
    }

    /** The established-flow lookup of a run right after it, or null when the run must walk in full. */
    CtLookup.Existing eligible(RunState s) {
        if (s.collectMisses || s.ended() || !(s.lookup instanceof CtLookup.Existing e) || s.ct.isEmpty()
                || s.oracleAsked > 0) {
            return null;
        }
        return enabled(s.packet.family()) ? e : null;
    }

    /** The key of an eligible run right after its conntrack lookup. */
    Key keyOf(RunState s) {
        Packet p = s.packet;
        CtInfo ct = s.ct.get();
        return new Key(ct.state(), ct.ctMark(), statusOf(ct), p.proto(), p.src(), p.tupleSourceId(), p.dst(),
                p.tupleDestinationId(), p.inIface(), p.physIn(), p.physOut(), p.bridged(), p.mark(), p.icmpType(),
                p.icmpCode(), p.fragment(), p.linkClass(), p.macSource(), p.family().number());
    }

    private Set<CtStatus> statusOf(CtInfo ct) {
        return keyStatus ? ct.status() : Set.of();
    }

    /** The entry remembered for this eligible run's connection, direction and key, or null. */
    SteadyEntry get(CtLookup.Existing lookup, RunState s) {
        return get(lookup, s.packet, s.ct.get());
    }

    /** The entry remembered for the connection and direction of {@code lookup} whose key this packet and ct have, or null. */
    SteadyEntry get(CtLookup.Existing lookup, Packet packet, CtInfo ct) {
        boolean reply = lookup.direction() == CtDirection.REPLY;
        if (!(lookup.ct().steadySlot(reply) instanceof SteadyEntry entry)) {
            return null;
        }
        if (!entry.matches(packet, ct, statusOf(ct))) {
            return null;
        }
        reused++;
        return entry;
    }

    /** How many runs reused a remembered suffix so far. */
    long reused() {
        return reused;
    }

    /**
     * Remembers, in the slot of the lookup's connection and direction, the part of {@code s} after the given marks (the
     * sizes of its lists right after the lookup), unless the run asked the oracle, changed rule state, was ended by
     * ip_forward's checks or met its ICMP redirect (whose rate limit depends on earlier packets); the slot of the connection that got one longest ago is emptied when more than
     * {@link #CAPACITY} would be kept. {@code ingressMtu} is the MTU of the packet's input device when it was forwarded.
     */
    void remember(CtLookup.Existing lookup, Key key, RunState s, int stepMark, int tableMark, int noteMark,
                  int ingressMtu) {
        if (s.oracleAsked > 0 || !s.ended() || s.candidate != null || ForwardChecks.droppedBy(s.disposition)
                || s.redirectChecked) {
            return;
        }
        List<TableResult> tables = s.tables.subList(tableMark, s.tables.size());
        for (TableResult t : tables) {
            if (!t.stateUpdates().isEmpty()) {
                return;
            }
        }
        boolean reply = lookup.direction() == CtDirection.REPLY;
        Connection ct = lookup.ct();
        if (ct.steadySlot(reply) == null) {
            Connection oldest = holders[nextHolder];
            if (oldest != null) {
                oldest.steadySlot(holderReplies[nextHolder], null);
            }
            holders[nextHolder] = ct;
            holderReplies[nextHolder] = reply;
            nextHolder = (nextHolder + 1) % CAPACITY;
        }
        Tuple after = s.packet.tuple();
        Optional<NatChange> nat = s.before.equals(after) ? Optional.empty()
                : Optional.of(new NatChange(s.before, after, s.masquerade));
        CommitForms.Shared shared = commitForms.shared(tables);
        ct.steadySlot(reply, new SteadyEntry(key, new Suffix(FrozenList.of(s.steps).subList(stepMark, s.steps.size()),
                shared.tables(), s.notes.subList(noteMark, s.notes.size()),
                s.ct.isPresent() ? s.ct.get().ctMark() : 0L, s.route, s.egress, s.disposition, s.reason, s.confirm, nat,
                s.forwardedWithMtu, ingressMtu, s.packet.mark(), shared.form())));
    }

    /** True if nothing outside the nat table tests a value that can differ between packets of one flow direction. */
    static boolean flowStable(Ruleset rules) {
        return rules.tables().stream().filter(t -> !t.name().equals("nat")).flatMap(t -> t.rules().stream())
                .allMatch(SteadyPaths::stableRule);
    }

    /** True if every rule reachable from the replayed native filter chains of {@code family} is flow-stable. */
    static boolean nativesStable(NftNativeReplay natives, IpFamily family) {
        Ruleset translated = natives.ruleset(family);
        java.util.Map<String, java.util.Map<String, Chain>> chainsOfTable = new java.util.HashMap<>();
        for (NftNativeReplay.ReplayedChain replayed : natives.chains()) {
            if (replayed.nat() || !replayed.families().contains(family)) {
                continue;
            }
            java.util.Map<String, Chain> chains = chainsOfTable.computeIfAbsent(replayed.table(),
                    name -> translated.table(name).map(SteadyPaths::byName).orElse(java.util.Map.of()));
            // the nft chains the base chain reaches are the ones its translation reaches, under the same names
            for (NftChain reached : replayed.chain().reachable()) {
                Chain chain = chains.get(reached.name());
                if (chain != null && !chain.rules().stream().allMatch(SteadyPaths::stableRule)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static java.util.Map<String, Chain> byName(Table table) {
        java.util.Map<String, Chain> byName = new java.util.HashMap<>();
        table.chains().forEach(c -> byName.putIfAbsent(c.name(), c));
        return byName;
    }

    /** True if the rule's target and every match it tests are the same for every packet of a flow direction. */
    private static boolean stableRule(Rule rule) {
        return stableTarget(rule.target()) && rule.matches().stream().allMatch(SteadyPaths::stableMatch);
    }

    private static boolean stableMatch(Match m) {
        if (m instanceof TcpMatch t) {
            return only(t.options(), "--sport", "--dport");
        }
        if (m instanceof SctpMatch t) {
            return only(t.options(), "--sport", "--dport");
        }
        if (m instanceof ConntrackMatch c) {
            return c.options().stream().noneMatch(o -> o.name().equals("--ctexpire"));
        }
        return m instanceof AddressMatch || m instanceof InterfaceMatch || m instanceof ProtocolMatch
                || m instanceof FragmentMatch || m instanceof UdpMatch || m instanceof IcmpMatch || m instanceof Icmp6Match
                || m instanceof AddrtypeMatch || m instanceof CommentMatch || m instanceof StateMatch
                || m instanceof MarkMatch || m instanceof ConnmarkMatch || m instanceof MultiportMatch
                || m instanceof SetMatch || m instanceof PhysdevMatch || m instanceof PkttypeMatch
                || m instanceof IprangeMatch || m instanceof MacMatch || m instanceof RpfilterMatch;
    }

    private static boolean only(List<MatchOption> options, String... names) {
        Set<String> allowed = Set.of(names);
        return options.stream().allMatch(o -> allowed.contains(o.name()));
    }

    /**
     * True if the target does the same to every packet of a flow direction and changes no state later packets read: a
     * set statement ({@code -j SET}, alone or before a native rule's verdict) changes a set, so it is not.
     */
    private static boolean stableTarget(Target t) {
        if (t instanceof StatementVerdict s) {
            return stableTarget(s.statement()) && stableTarget(s.verdict());
        }
        return t instanceof Accept || t instanceof Drop || t instanceof Reject || t instanceof Return || t instanceof Jump
                || t instanceof Goto || t instanceof NoTarget || t instanceof Log || t instanceof Nflog || t instanceof Mark
                || t instanceof Connmark || t instanceof Ct || t instanceof Notrack || t instanceof Trace
                || t instanceof Checksum;
    }
}
