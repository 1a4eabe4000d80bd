package io.pktpath.core.analysis;

import io.pktpath.core.findings.PackedKeyTable;
import io.pktpath.core.replay.TraceSink;
import io.pktpath.core.trace.CheckStep;
import io.pktpath.core.trace.ConntrackStep;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.NatChange;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RouteStep;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.net.IpAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the {@link Summary} from the traces as they stream by, in memory proportional to distinct causes, not frames. */
public final class SummaryCollector implements TraceSink {
    private static final int EVIDENCE_FRAMES = 8;
    private static final int MAX_GROUPS = 10_000;

    private static final FrameRole[] ROLES = FrameRole.values();
    private static final Disposition[] DISPOSITIONS = Disposition.values();

    private long frames;
    /** Frames per role and per disposition, by ordinal (counted without boxing, turned into maps at the end). */
    private final long[] roles = new long[ROLES.length];
    private final long[] dispositions = new long[DISPOSITIONS.length];
    private final Map<String, Group> drops = new LinkedHashMap<>();
    private final Map<String, Group> nats = new LinkedHashMap<>();
    /** Frames per note, in first-seen order (a one-element array per note, so counting allocates nothing). */
    private final Map<String, long[]> assumptions = new LinkedHashMap<>();
    /**
     * The NAT group of each key ({@link #natKey}) seen lately, so a flow's packets find it without formatting; the key
     * holds only what the group's text is made of, so all connections of one mapping share one entry.
     */
    private final PackedKeyTable<Group> natGroups = new PackedKeyTable<>(NAT_KEY_WORDS, 2 * MAX_GROUPS);
    private final long[] natKey = new long[NAT_KEY_WORDS];
    /**
     * The NAT change and group a flow's packets met last in each direction, direct-mapped by flow id and direction: a
     * packet on a remembered path carries the very NAT change of the packets before it in its direction, and finds its
     * group by that identity, without reading the change's tuples or the table of keys (cold on a node with thousands
     * of services). A slot another flow took is just a miss. A packet off the remembered path (a handshake's, a
     * connection's first data) carries a NAT change of its own, equal to its predecessor's: the same group too, as the
     * group is made of the change's tuples and the direction alone, found without the table (where its key may have
     * made way for 20,000 newer ones, so that finding it again would mean writing its texts).
     */
    private final NatChange[] seenNat = new NatChange[2 * FLOW_SLOTS];
    private final Group[] seenGroup = new Group[2 * FLOW_SLOTS];
    /**
     * Per slot, the frames counted for its group but not yet added to the group's count, or {@link #ADDING} while the
     * group still takes its first {@link #EVIDENCE_FRAMES} frames: a flow's later packets count here, in an array
     * indexed like {@link #seenNat}, without reading the group object (one more cache line, found only through
     * {@link #seenGroup}). The counts go to the group when the slot is taken anew and when the summary is made.
     */
    private final int[] slotFrames = new int[2 * FLOW_SLOTS];
    private static final int ADDING = -1;
    private static final int FLOW_SLOTS = 1 << 15;

    static final int NAT_KEY_WORDS = 11;
    /** What a NAT changed ({@link #kind}): nothing, the destination, the source, or both. */
    private static final int NONE = 0;
    private static final int DNAT = 1;
    private static final int SNAT = 2;

    /** Accumulated counts and first frames of one group. */
    private static final class Group {
        final String a;
        final String b;
        final String c;
        final Disposition disposition;
        long count;
        /**
         * The first frames, as many as {@link #count} up to {@link #EVIDENCE_FRAMES} (numbers, not boxes: a group lives
         * as long as the analysis); a slot counts frames for a group only once it is full ({@link #slotFrames}).
         */
        private final long[] frames = new long[EVIDENCE_FRAMES];

        Group(Disposition disposition, String a, String b, String c) {
            this.disposition = disposition;
            this.a = a;
            this.b = b;
            this.c = c;
        }

        /** Whether the group holds its first frames already, so that more frames only count. */
        boolean full() {
            return count >= EVIDENCE_FRAMES;
        }

        void add(long frame) {
            // count is the number of frames added, so the array is full once it passes EVIDENCE_FRAMES: the array (a
            // second object to fetch) is read only while it fills
            if (++count <= EVIDENCE_FRAMES) {
                frames[(int) count - 1] = frame;
            }
        }

        /** The first frames, in the order they came. */
        List<Long> frames() {
            int kept = (int) Math.min(count, EVIDENCE_FRAMES);
            List<Long> out = new ArrayList<>(kept);
            for (int i = 0; i < kept; i++) {
                out.add(frames[i]);
            }
            return out;
        }
    }

    @Override
    public void accept(PacketTrace t) {
        if (counted(t)) {
            groupNat(t, t.firstConntrackStep());
        }
    }

    /**
     * {@link #accept(PacketTrace)} given the trace's conntrack lookup ({@link PacketTrace#firstConntrackStep}), which the
     * findings read too: the full analysis finds it once per frame for both.
     */
    public void accept(PacketTrace t, ConntrackStep ct) {
        if (counted(t)) {
            groupNat(t, ct);
        }
    }

    /** Counts the frame and groups its drop; true when its NAT is left to group ({@link #groupNat}). */
    private boolean counted(PacketTrace t) {
        frames++;
        roles[t.role().ordinal()]++;
        dispositions[t.disposition().ordinal()]++;
        List<String> notes = t.notes();
        for (int i = 0; i < notes.size(); i++) {
            long[] count = assumptions.get(notes.get(i));
            if (count != null) {
                count[0]++;
            } else if (assumptions.size() < MAX_GROUPS) {
                assumptions.put(notes.get(i), new long[] {1});
            }
        }
        if (t.role() == FrameRole.EGRESS_COPY) {
            return false;
        }
        if (t.disposition().isFailure()) {
            String[] cause = cause(t);
            String key = t.disposition() + "\u0000" + cause[0];
            group(drops, key, t.disposition(), cause[0], cause[1], "").add(t.packet().frame());
        }
        return t.nat().isPresent();
    }

    /**
     * Adds the frame to its NAT's group; {@code ct} is its path's conntrack lookup (a path has one, PREROUTING or
     * OUTPUT, near its start), which tells the direction.
     */
    private void groupNat(PacketTrace t, ConntrackStep ct) {
        NatChange n = t.nat().get();
        boolean reply = ct != null && ct.reply();
        int slot = 2 * (int) (t.flowId() & (FLOW_SLOTS - 1)) + (reply ? 1 : 0);
        NatChange seen = seenNat[slot];
        if (t.flowId() > 0 && seen != null && (seen == n || seen.equals(n))) {
            if (seen != n) {
                seenNat[slot] = n;
            }
            int pending = slotFrames[slot];
            if (pending != ADDING && pending < Integer.MAX_VALUE) {
                slotFrames[slot] = pending + 1;
            } else {
                Group g = seenGroup[slot];
                flush(slot);
                g.add(t.packet().frame());
                slotFrames[slot] = g.full() ? 0 : ADDING;
            }
            return;
        }
        if (!natKey(n, reply, natKey)) {
            return;
        }
        // the key's slot, found once: a new key goes to the free slot the search ended on
        int at = natGroups.locate(natKey);
        Group g = at >= 0 ? natGroups.valueAt(at) : null;
        if (g == null) {
            String[] m = mapping(n);
            if (reply) {
                m[0] = m[0].equals("DNAT") ? "reply, un-SNAT" : m[0].startsWith("SNAT") ? "reply, un-DNAT" : "reply, un-NAT";
            }
            g = group(nats, m[0] + "\u0000" + m[1] + "\u0000" + m[2], null, m[0], m[1], m[2]);
            natGroups.putAbsent(at, natKey, g);
        }
        g.add(t.packet().frame());
        if (t.flowId() > 0) {
            flush(slot);
            seenNat[slot] = n;
            seenGroup[slot] = g;
            slotFrames[slot] = g.full() ? 0 : ADDING;
        }
    }

    /** Adds the frames {@code slot} counted to its group's count. */
    private void flush(int slot) {
        int pending = slotFrames[slot];
        if (pending > 0) {
            seenGroup[slot].count += pending;
            slotFrames[slot] = 0;
        }
    }

    /**
     * Writes into {@code key} ({@link #NAT_KEY_WORDS} words) what the NAT group text of {@code n} is made of, as
     * {@link #mapping} reads it, plus the direction; the fields the text does not use are 0 (the source ports; a
     * DNAT's sources; an SNAT's destinations and destination ports). Returns false, writing nothing, when the NAT
     * changed nothing ({@link NatChange#changed()} is false).
     */
    static boolean natKey(NatChange n, boolean reply, long[] key) {
        Tuple b = n.before();
        Tuple a = n.after();
        int kind = kind(b, a);
        if (kind == NONE && b.protocol() == a.protocol()) {
            return false;
        }
        kind = kind == NONE ? DNAT | SNAT : kind;
        boolean sources = kind != DNAT;
        boolean destinations = kind != SNAT;
        key[0] = (long) b.protocol() << 32 | (a.protocol() & 0xffffffffL);
        key[1] = kind | (n.masquerade() ? 4 : 0) | (reply ? 8 : 0)
                | (sources ? family(b.src()) << 8 | family(a.src()) << 12 : 0)
                | (destinations ? family(b.dst()) << 16 | family(a.dst()) << 20 : 0);
        key[2] = destinations ? (long) b.dport() << 32 | (a.dport() & 0xffffffffL) : 0;
        PackedKeyTable.writeAddress(key, 3, sources ? b.src() : null);
        PackedKeyTable.writeAddress(key, 5, sources ? a.src() : null);
        PackedKeyTable.writeAddress(key, 7, destinations ? b.dst() : null);
        PackedKeyTable.writeAddress(key, 9, destinations ? a.dst() : null);
        return true;
    }

    /** {@link #DNAT} if the destination or its port changed, plus {@link #SNAT} if the source or its port did. */
    private static int kind(Tuple b, Tuple a) {
        return (!b.dst().equals(a.dst()) || b.dport() != a.dport() ? DNAT : NONE)
                | (!b.src().equals(a.src()) || b.sport() != a.sport() ? SNAT : NONE);
    }

    private static long family(IpAddress a) {
        return a.isV4() ? 4 : 6;
    }

    private static Group group(Map<String, Group> map, String key, Disposition d, String a, String b, String c) {
        Group g = map.get(key);
        if (g == null) {
            if (map.size() >= MAX_GROUPS) {
                key = "\u0001other";
                g = map.get(key);
                if (g == null) {
                    g = new Group(d, d == null ? "other mappings" : "other causes", "", "");
                    map.put(key, g);
                }
                return g;
            }
            g = new Group(d, a, b, c);
            map.put(key, g);
        }
        return g;
    }

    /** The responsible rule, policy, route or check, and where it is written. */
    static String[] cause(PacketTrace t) {
        if (t.disposition() == Disposition.REASSEMBLY_FAILED) {
            // a fragment has no path: every such drop has the one cause
            return new String[] {"fragments of a datagram that never became whole (ipfrag_time ran out, or they"
                    + " overlapped)", "nf_defrag"};
        }
        List<TraceStep> path = t.path();
        for (int i = path.size() - 1; i >= 0; i--) {
            TraceStep s = path.get(i);
            switch (t.disposition()) {
                case DROPPED_BY_RULE, REJECTED -> {
                    if (s instanceof RuleStep r && (r.verdict().kind() == io.pktpath.core.trace.Verdict.Kind.DROP)) {
                        return new String[] {r.rule().text(), r.rule().table() + " " + r.rule().chain() + " rule "
                                + r.rule().position() + " (" + r.rule().span() + ")"};
                    }
                }
                case DROPPED_BY_POLICY -> {
                    if (s instanceof PolicyStep p) {
                        return new String[] {":" + p.chain() + " DROP (policy)", p.table() + " " + p.chain() + " policy"};
                    }
                }
                case NO_ROUTE, UNREACHABLE_ROUTE, PROHIBIT_ROUTE, BLACKHOLE_ROUTE -> {
                    if (s instanceof RouteStep r) {
                        String text = r.decision().routeText().isEmpty() ? "no route to " + t.packet().dst().map(Object::toString).orElse("?")
                                : r.decision().routeText();
                        return new String[] {text, (r.decision().table().isEmpty() ? "every table the ip rules select"
                                : "table " + r.decision().table())
                                + (r.decision().rulePriority() >= 0 ? " via ip rule " + r.decision().rulePriority() : "")};
                    }
                }
                case RP_FILTER, FORWARDING_DISABLED, MARTIAN, MTU_EXCEEDED -> {
                    if (s instanceof CheckStep c && !c.passed()) {
                        return new String[] {c.check() + ": " + c.detail(), "kernel check"};
                    }
                }
                default -> {
                }
            }
        }
        return new String[] {t.reason(), ""};
    }

    /** {kind, before, after} of a NAT group, as the summary prints them. */
    static String[] mapping(NatChange n) {
        Tuple b = n.before();
        Tuple a = n.after();
        int kind = kind(b, a);
        if (kind == DNAT) {
            return new String[] {"DNAT", destination(b), destination(a)};
        }
        if (kind == SNAT) {
            return new String[] {n.masquerade() ? "SNAT/MASQUERADE" : "SNAT", b.src().toString(), a.src().toString()};
        }
        return new String[] {"DNAT+SNAT", b.src() + " -> " + destination(b), a.src() + " -> " + destination(a)};
    }

    private static String destination(Tuple t) {
        return t.appendDestination(new StringBuilder(24)).toString();
    }

    public Summary summary() {
        for (int slot = 0; slot < slotFrames.length; slot++) {
            flush(slot);
        }
        List<DropCause> dropList = drops.values().stream()
                .sorted(Comparator.comparingLong((Group g) -> -g.count).thenComparing(g -> g.a))
                .map(g -> new DropCause(g.disposition, g.a, g.b, g.count, g.frames())).toList();
        List<NatMapping> natList = nats.values().stream()
                .sorted(Comparator.comparingLong((Group g) -> -g.count).thenComparing(g -> g.a + g.b + g.c))
                .map(g -> new NatMapping(g.a, g.b, g.c, g.count, g.frames())).toList();
        Map<FrameRole, Long> roleMap = new EnumMap<>(FrameRole.class);
        for (FrameRole r : ROLES) {
            if (roles[r.ordinal()] > 0) {
                roleMap.put(r, roles[r.ordinal()]);
            }
        }
        Map<Disposition, Long> dispositionMap = new EnumMap<>(Disposition.class);
        for (Disposition d : DISPOSITIONS) {
            if (dispositions[d.ordinal()] > 0) {
                dispositionMap.put(d, dispositions[d.ordinal()]);
            }
        }
        Map<String, Long> assumptionMap = new LinkedHashMap<>();
        assumptions.forEach((note, count) -> assumptionMap.put(note, count[0]));
        return new Summary(frames, roleMap, dispositionMap, dropList, natList, assumptionMap);
    }
}
