package io.pktpath.core.conntrack;

import io.pktpath.core.engine.ConntrackFacts;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.conntrack.ConntrackEntry;
import io.pktpath.parser.iptables.target.Target;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The replay's conntrack table (netfilter-semantics §2, §5, §8): lookups and NAT computations are side-effect free;
 * the table changes only through {@link #confirm}, the {@code commit*} methods, {@link #seed} and {@link #expire}.
 * Entries are hashed by (zone, tuple) in both directions and expire lazily by capture time.
 */
public final class ConntrackTable implements ConntrackFacts {
    /**
     * Default race window, 1 ms: the kernel's create-to-confirm span is microseconds, but capture timestamps are taken
     * at the tap, not at conntrack, and glibc's A/AAAA pair leaves one socket tens to hundreds of µs apart (§8.1); 1 ms
     * catches those pairs while staying far below resolver retries (5 s) and TCP SYN retransmits (1 s, §8.2).
     */
    public static final long DEFAULT_RACE_WINDOW_NANOS = 1_000_000L;

    private final CtIndex index = new CtIndex();
    private final CtTimeouts timeouts;
    private final long raceWindowNanos;
    private final CtClassifier classifier;
    private final NatBinder binder;
    private final CtCommitter committer;
    private final List<Connection> ended = new ArrayList<>();
    private final List<RaceEvidence> races = new ArrayList<>();
    /** The reply-only clash entries (IPS_NAT_CLASH) still in the index, which the sweep of ORIGINAL tuples does not see. */
    private final List<Connection> clashEntries = new ArrayList<>();
    /** How long the kernel keeps a clash entry (nf_ct_resolve_clash_harder sets its timeout to one second). */
    static final long CLASH_ENTRY_SECONDS = 1;
    private final long[] counters = new long[6];
    private long nextId = 1;
    private int insertsSinceSweep;

    public ConntrackTable(CtTimeouts timeouts, long raceWindowNanos) {
        this.timeouts = timeouts;
        this.raceWindowNanos = raceWindowNanos;
        this.classifier = new CtClassifier(index, timeouts);
        this.binder = new NatBinder(index);
        this.committer = new CtCommitter(timeouts);
    }

    public ConntrackTable(CtTimeouts timeouts) {
        this(timeouts, DEFAULT_RACE_WINDOW_NANOS);
    }

    public CtTimeouts timeouts() {
        return timeouts;
    }

    // ---- side-effect free ----

    /**
     * The tuple a packet seen leaving with {@code leaving}'s tuple had when it arrived, by the live connection (in
     * {@code zone} at {@code timeNanos}) it belongs to: the connection's original tuple when the packet left in the
     * original direction (after its NAT), its reply tuple when it left in the reply direction (the reply as it arrived,
     * before its NAT was undone); empty when conntrack holds no such connection. Reads the tuples only, not the packet's
     * TCP state.
     */
    public Optional<Tuple> arrivalOf(Packet leaving, int zone, long timeNanos) {
        Packet counterpart;
        if (Tuples.isIcmp(leaving.proto())) {
            // an echo request's counterpart is its reply with the same id, and back
            int type = Tuples.replyType(leaving.proto(), leaving.icmpType());
            type = type >= 0 ? type : Tuples.requestType(leaving.proto(), leaving.icmpType());
            if (type < 0) {
                return Optional.empty();
            }
            counterpart = leaving.withTuple(Tuples.invert(leaving.tuple())).withIcmpType(type);
        } else {
            counterpart = leaving.withTuple(leaving.tuple().inverse());
        }
        int at = index.liveAt(zone, counterpart, timeNanos);
        if (at < 0) {
            return Optional.empty();
        }
        Connection ct = index.ctAt(at);
        return Optional.of(index.directionAt(at) == CtDirection.ORIGINAL ? ct.reply() : ct.original());
    }

    /**
     * The original tuple of the TCP or UDP connection alive in {@code zone} at {@code timeNanos} that {@code leaving} (a
     * packet seen leaving) belongs to, in either direction; empty when conntrack holds none.
     */
    public Optional<Tuple> originalOf(Packet leaving, int zone, long timeNanos) {
        if (Tuples.isIcmp(leaving.proto())) {
            return Optional.empty();
        }
        int at = index.liveAt(zone, leaving.withTuple(leaving.tuple().inverse()), timeNanos);
        return at < 0 ? Optional.empty() : Optional.of(index.ctAt(at).original());
    }

    /**
     * How {@code leaving}, an ICMP error seen leaving, arrived, when it quotes a packet of a connection alive in
     * {@code zone} at {@code timeNanos}: the kernel's NAT of RELATED errors made its quoted header that packet as its
     * sender sent it, one of the connection's tuples (an echo by its request or reply type, as the RELATED lookup
     * finds it); empty when it is no ICMP error with a quoted header, or no live connection holds that tuple.
     */
    public Optional<IcmpErrorArrival> errorArrivalOf(Packet leaving, int zone, long timeNanos) {
        if (!leaving.isIcmpError() || leaving.quoted().isEmpty()) {
            return Optional.empty();
        }
        Tuple quoted = leaving.quoted().get();
        CtIndex.Slot slot;
        if (Tuples.isIcmp(quoted.protocol())) {
            int echo = quoted.protocol() == Packet.ICMP ? 8 : 128;
            slot = index.live(CtKey.of(zone, quoted, echo), timeNanos);
            if (slot == null) {
                slot = index.live(CtKey.of(zone, quoted, Tuples.replyType(quoted.protocol(), echo)), timeNanos);
            }
        } else {
            slot = index.live(CtKey.of(zone, quoted, 0), timeNanos);
        }
        return slot == null ? Optional.empty()
                : Optional.of(IcmpErrorArrival.of(leaving, slot.ct(), slot.direction()));
    }

    /**
     * The live connection holding {@code p}'s tuple in {@code zone} at {@code timeNanos}, kept by a packet that already
     * carries it with {@code info} (read from the tuples only: no TCP state checks, nothing counted); empty when none does.
     */
    public Optional<CtLookup.Kept> kept(Packet p, int zone, long timeNanos, io.pktpath.core.engine.CtInfo info,
                                       String detail) {
        int at = index.liveAt(zone, p, timeNanos);
        return at < 0 ? Optional.empty()
                : Optional.of(new CtLookup.Kept(index.ctAt(at), index.directionAt(at), info, detail));
    }

    /** Whether a ct alive at {@code timeNanos} holds {@code tuple} in {@code zone}, and whether it is a TCP one closing. */
    @Override
    public Presence presence(Tuple tuple, int icmpType, int zone, long timeNanos) {
        CtIndex.Slot s = index.live(CtKey.of(zone, tuple, icmpType), timeNanos);
        if (s == null) {
            return Presence.ABSENT;
        }
        TcpState state = s.ct().tcpState();
        return s.ct().isTcp() && (state == TcpState.TIME_WAIT || state == TcpState.CLOSE) ? Presence.CLOSED
                : Presence.OPEN;
    }

    /** The packet's conntrack outcome at time {@code timeNanos} in {@code zone} (§2.3, §2.7). */
    public CtLookup lookup(Packet p, int zone, long timeNanos) {
        return classifier.lookup(p, zone, timeNanos, nextId);
    }

    /**
     * Reads, changing nothing, what lookups of the first {@code count} packets of {@code packets} in {@code zone} read
     * first (their slots, their cts, each ct's last lookup for the direction, and with {@code slotReader} the replay's
     * slot of the ct and direction when there is one), each step for all packets before the next, so that their memory
     * loads overlap; returns a value made from what it read (0 when no tuple has a ct).
     */
    public long warm(Packet[] packets, int count, int zone, java.util.function.ToLongFunction<Object> slotReader) {
        return index.warm(zone, packets, count, slotReader);
    }

    /** True if {@code p}, found by {@code e}, may have been NEW on another CPU: §8.1's same-tuple race window. */
    public boolean mayRace(CtLookup.Existing e, Packet p) {
        return RaceDetector.mayRace(e.ct(), e.direction(), p, p.timeNanos(), raceWindowNanos);
    }

    /**
     * The lookup of {@code p} had its ct, found by {@code e}, not been confirmed yet (§8.1; for a packet {@link #mayRace}
     * holds for): a candidate of its own, which meets that ct at confirmation ({@link #confirm}: clash_resolve).
     */
    public CtLookup.Created racingNew(CtLookup.Existing e, Packet p) {
        return classifier.racing(p, e.ct(), p.timeNanos(), nextId);
    }

    /** The binding a NAT target fixes for candidate {@code c} (§5); {@code manip} DST at PRE/OUT, SRC at POST/IN. */
    public NatBinding bind(CtCandidate c, Target target, RuleRef rule, NatManip manip, Packet p, NatEnv env,
                           long timeNanos) {
        return binder.bind(c, target, rule, manip, p, env, timeNanos);
    }

    /** The null binding recorded when the nat chains end without NAT, with the hidden source-port rewrite (§5.3). */
    public NatBinding bindNull(CtCandidate c, NatManip manip, long timeNanos) {
        return binder.bindNull(c, manip, timeNanos);
    }

    /** {@code p} rewritten by the ct's existing bindings at {@code hook} (§2.5); {@code related} for ICMP errors (§2.7). */
    public NatApplied applyNat(TrackedFlow ct, CtDirection dir, Hook hook, Packet p, boolean related) {
        return NatRewriter.apply(ct, dir, hook, p, related);
    }

    // ---- commits ----

    /** Inserts candidate {@code c} whose first packet {@code p} reached its last hook (§2.4, §8). */
    public ConfirmResult confirm(CtCandidate c, Packet p, long timeNanos) {
        c.replaces().ifPresent(r -> end(r, FlowEnd.REOPENED));
        CtKey ok = CtIndex.originalKey(c, c.icmpRequestType());
        CtKey rk = CtIndex.replyKey(c, c.icmpRequestType());
        purgeExpired(ok, timeNanos);
        purgeExpired(rk, timeNanos);
        CtIndex.Slot so = index.get(ok);
        if (so != null) {
            return originalClash(c, so.ct(), p, timeNanos);
        }
        CtIndex.Slot sr = index.get(rk);
        if (sr != null) {
            counters[3]++;
            counters[4]++;
            return new ConfirmResult.Dropped(sr.ct(), "insert_failed: reply tuple " + c.reply()
                    + " already belongs to flow #" + sr.ct().id() + "; the kernel drops the packet");
        }
        Connection ct = committer.create(nextId++, c, p, timeNanos, classifier.firstTimeout(p.proto(), c.tcpState()));
        index.insert(ct);
        counters[2]++;
        List<RaceEvidence> found = RaceDetector.snatCollisions(ct, c, p, timeNanos, raceWindowNanos);
        races.addAll(found);
        if (++insertsSinceSweep > Math.max(4096, index.size())) {
            expire(timeNanos);
        }
        return new ConfirmResult.Confirmed(ct, found, "flow #" + ct.id() + " confirmed");
    }

    /**
     * A candidate whose ORIGINAL tuple a confirmed ct already holds: for UDP, UDP-Lite and ICMP the kernel resolves the
     * clash (nf_ct_resolve_clash): with the same NAT the packet joins that ct, with different NAT it goes on under a
     * reply-only clash entry that lives 1 s, so its endpoint's reply finds it; for TCP the packet is dropped.
     */
    private ConfirmResult originalClash(CtCandidate c, Connection existing, Packet p, long timeNanos) {
        int proto = c.original().protocol();
        if (proto == Packet.UDP || proto == 136 || Tuples.isIcmp(proto)) {
            counters[5]++;
            boolean same = existing.reply().equals(c.reply());
            List<RaceEvidence> evidence = List.of();
            if (!existing.raceFlagged() && !existing.fromBundle()) {
                evidence = List.of(RaceDetector.clash(existing, c, p, timeNanos, same));
                existing.flagRace();
                races.addAll(evidence);
            }
            if (same) {
                committer.update(existing, CtDirection.ORIGINAL, p, timeNanos);
            } else {
                Connection clash = committer.create(nextId++, c, p, timeNanos, CLASH_ENTRY_SECONDS);
                index.insertReplyOnly(clash);
                clashEntries.add(clash);
            }
            return new ConfirmResult.ClashResolved(existing, same, evidence, same
                    ? "clash with flow #" + existing.id() + " resolved: identical NAT, the packet adopts that ct"
                    : "clash with flow #" + existing.id() + " resolved: different NAT, a reply-only clash entry"
                    + " (IPS_NAT_CLASH, " + CLASH_ENTRY_SECONDS + " s) carries this packet to its own endpoint");
        }
        counters[3]++;
        counters[4]++;
        return new ConfirmResult.Dropped(existing, "insert_failed: ORIGINAL tuple " + c.original()
                + " already confirmed as flow #" + existing.id() + " and TCP has no clash resolution");
    }

    /**
     * Records a packet of an existing ct (call it whatever the verdict: conntrack counted it at PRE/OUT): counters,
     * SEEN_REPLY, ASSURED, TCP state, timeout; a RST before any reply deletes the ct. Returns the UDP same-tuple race
     * evidence when this packet followed the ct's first within the race window, unanswered (§8.1).
     */
    public Optional<RaceEvidence> commitPacket(Connection ct, CtDirection dir, Packet p, long timeNanos) {
        counters[0]++;
        if (ct.end() != FlowEnd.OPEN) {
            return Optional.empty();
        }
        Optional<RaceEvidence> race = RaceDetector.sameTuple(ct, dir, p, timeNanos, raceWindowNanos);
        if (race.isPresent()) {
            ct.flagRace();
            races.add(race.get());
        }
        if (committer.update(ct, dir, p, timeNanos)) {
            end(ct, FlowEnd.RESET);
        }
        return race;
    }

    /** Counts a packet that got no ct (INVALID), as {@code conntrack -S} does. */
    public void commitInvalid() {
        counters[1]++;
    }

    /** The first packet of candidate {@code c} was dropped before confirmation: no ct remains (§2.4). */
    public void commitUnconfirmedDrop(CtCandidate c) {
        c.replaces().ifPresent(r -> end(r, FlowEnd.REOPENED));
    }

    /** Sets the ct mark of a confirmed ct (CONNMARK on a later packet). */
    public void commitMark(Connection ct, long mark) {
        ct.setMark(mark);
    }

    /**
     * Adds the connection of {@code e}, a {@code conntrack -L} entry taken after the capture, as it was when a packet of
     * it was first captured at {@code nanos} without the capture showing its start: open (TCP ESTABLISHED, a reply
     * seen, assured) with its NAT, for the timeout of an open connection. False, adding nothing, when its tuples are
     * taken or the entry cannot be read.
     */
    public boolean seedOpen(ConntrackEntry e, long nanos) {
        List<String> issues = new ArrayList<>();
        Optional<Connection> made = BundleSeeder.toConnection(e, nextId, nanos, issues);
        if (made.isEmpty()) {
            return false;
        }
        Connection ct = made.get();
        ct.markSeenReply();
        ct.markAssured();
        if (ct.original().protocol() == Packet.TCP) {
            ct.setTcpState(TcpState.ESTABLISHED);
            ct.setTimeout(nanos, timeouts.tcp(TcpState.ESTABLISHED));
        } else {
            ct.setTimeout(nanos, timeouts.udpStream());
        }
        return insertSeeded(ct);
    }

    /** Adds a connection read from a dump, under the next id, unless one of its tuples is taken; says whether it did. */
    private boolean insertSeeded(Connection ct) {
        if (index.get(CtIndex.originalKey(ct, ct.icmpRequestType())) != null
                || index.get(CtIndex.replyKey(ct, ct.icmpRequestType())) != null) {
            return false;
        }
        nextId++;
        index.insert(ct);
        return true;
    }

    /** Seeds the table from a {@code conntrack -L} dump taken at {@code dumpNanos}; returns one message per skipped entry. */
    public List<String> seed(List<ConntrackEntry> entries, long dumpNanos) {
        List<String> issues = new ArrayList<>();
        for (ConntrackEntry e : entries) {
            BundleSeeder.toConnection(e, nextId, dumpNanos, issues).ifPresent(ct -> {
                if (!insertSeeded(ct)) {
                    issues.add(e.span() + ": conntrack entry skipped: its tuples are already in the table");
                }
            });
        }
        return issues;
    }

    /** Removes every ct whose timer ran out by {@code timeNanos}. */
    public void expire(long timeNanos) {
        insertsSinceSweep = 0;
        for (java.util.Iterator<Connection> it = clashEntries.iterator(); it.hasNext(); ) {
            Connection clash = it.next();
            if (clash.end() != FlowEnd.OPEN || clash.expiredAt(timeNanos)) {
                end(clash, FlowEnd.EXPIRED);
                it.remove();
            }
        }
        List<Connection> dead = index.all().stream().filter(c -> c.expiredAt(timeNanos))
                .sorted(Comparator.comparingLong(Connection::id)).toList();
        dead.forEach(c -> end(c, FlowEnd.EXPIRED));
    }

    private void purgeExpired(CtKey key, long timeNanos) {
        CtIndex.Slot s = index.get(key);
        if (s != null && s.ct().expiredAt(timeNanos)) {
            end(s.ct(), FlowEnd.EXPIRED);
        }
    }

    private void end(Connection ct, FlowEnd how) {
        if (ct.end() != FlowEnd.OPEN) {
            return;
        }
        index.remove(ct);
        ct.end(how);
        ended.add(ct);
    }

    // ---- views ----

    /** Every flow of the replay, ended or live, by id; live cts timed out by {@code endNanos} show as EXPIRED. */
    public List<FlowRecord> flows(long endNanos) {
        return List.copyOf(flowsView(endNanos));
    }

    /**
     * The same flows as {@link #flows}, as a list that makes each record when it is read, so that the end of a long
     * capture does not hold a second copy of every flow; for after the replay (later commits would show in it).
     */
    public FlowList flowsView(long endNanos) {
        List<Connection> all = new ArrayList<>(ended);
        all.addAll(index.all());
        all.sort(Comparator.comparingLong(Connection::id));
        Connection[] ordered = all.toArray(Connection[]::new);
        return new FlowList(ordered, endNanos);
    }

    /** The live ct with flow id {@code id}, if any. */
    public Optional<Connection> live(long id) {
        return index.all().stream().filter(c -> c.id() == id).findFirst();
    }

    public int size() {
        return index.size();
    }

    public ConntrackStats stats() {
        return new ConntrackStats(counters[0], counters[1], counters[2], counters[3], counters[4], counters[5],
                races.size());
    }

    /** The race evidence recorded so far, in the order found. */
    public List<RaceEvidence> races() {
        return List.copyOf(races);
    }
}
