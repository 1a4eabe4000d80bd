package io.pktpath.core.findings;

import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Follows the last SYN or data segment of every TCP connection (one entry per connection, not per frame) and records
 * the ones the sender had to repeat: SYN retransmits (about 1 s, then 3 s, 7 s...) and long retransmission series.
 */
final class RetransmitTracker {
    private static final int MAX_FLOWS = 50_000;
    private static final int MAX_DONE = 10_000;
    private static final int FLOW_SLOTS = 1 << 15;

    /** One segment and its repeats. */
    static final class Segment {
        private final Packets.FlowKey key;
        /** The table's key of the entry ({@link RetransmitTracker#key}), to tell it from another flow's in {@link #byFlow}. */
        private final long w0;
        private final long w1;
        private final long w2;
        private final long w3;
        private final long w4;
        private final long w5;
        /** False once the table no longer holds this entry (dropped as the eldest, or followed by the next segment). */
        private boolean held = true;
        private final int family;
        long seq;
        boolean syn;
        String iface;
        long firstNanos;
        long lastNanos;
        /** The frame of the segment's first copy. */
        private long frame;
        /**
         * The first copy's frame and its repeats', made at the first repeat: most segments are sent once, and the
         * connection's next segment then rewrites this entry alone, not a sample of frames beside it.
         */
        private FrameSample copies;
        /** Offsets of the first repeats from the first copy (allocated at the first repeat). */
        List<Long> offsets = List.of();

        Segment(Packets.FlowKey key, long[] words, int family, long seq, boolean syn, String iface, long firstNanos,
                long frame) {
            this.key = key;
            w0 = words[0];
            w1 = words[1];
            w2 = words[2];
            w3 = words[3];
            w4 = words[4];
            w5 = words[5];
            this.family = family;
            restart(seq, syn, iface, firstNanos, frame);
        }

        /** Makes this entry (never sent twice, so nothing refers to it) the connection's next segment. */
        void restart(long seq, boolean syn, String iface, long firstNanos, long frame) {
            this.seq = seq;
            this.syn = syn;
            this.iface = iface;
            this.firstNanos = firstNanos;
            this.lastNanos = firstNanos;
            this.frame = frame;
            this.copies = null;
        }

        /** Whether the table holds this entry under {@code words}, the key of a packet's captured tuple. */
        boolean heldAs(long[] words) {
            return held && w0 == words[0] && w1 == words[1] && w2 == words[2] && w3 == words[3] && w4 == words[4]
                    && w5 == words[5];
        }

        /** Counts one more copy of the segment, in {@code frame}. */
        void repeatedIn(long frame) {
            if (copies == null) {
                copies = new FrameSample();
                copies.add(this.frame);
            }
            copies.add(frame);
        }

        /** The frames of the first copy and its repeats. */
        FrameSample frames() {
            if (copies != null) {
                return copies;
            }
            FrameSample once = new FrameSample();
            once.add(frame);
            return once;
        }

        long firstFrame() {
            return frame;
        }

        /** {@code proto src:sport > dst:dport} of the segment as captured (formatted only when a finding needs it). */
        String tuple() {
            return key.proto() + " " + Text.endpoints(key, family);
        }

        /** The destination endpoint as captured. */
        String dst() {
            String all = Text.endpoints(key, family);
            return all.substring(all.indexOf(" > ") + 3);
        }

        int repeats() {
            return copies == null ? 0 : (int) copies.count() - 1;
        }

        long span() {
            return lastNanos - firstNanos;
        }
    }

    /** The current segment per captured tuple ({@link #key}); the eldest connection is finished when full. */
    private final PackedKeyTable<Segment> current = new PackedKeyTable<>(6, MAX_FLOWS);
    private final long[] key = new long[6];
    /**
     * The entry a flow's packets in one direction met last, direct-mapped by flow id and by which port is higher (each
     * direction of a connection the same): a packet of the flow finds its entry here, without searching the table (6 MB,
     * out of the caches), when the entry is still held under the packet's key ({@link Segment#heldAs}); a slot another
     * flow took is just a miss.
     */
    private final Segment[] byFlow = new Segment[2 * FLOW_SLOTS];
    private final List<Segment> repeated = new ArrayList<>();
    /** {@link #accept}'s table slot when the flow's entry was found without searching the table. */
    private static final int NOT_SEARCHED = Integer.MIN_VALUE;

    void accept(PacketTrace t) {
        PacketSummary p = t.packet();
        if (!Packets.walked(t) || !Packets.isTcp(p) || Packets.has(p, Packets.RST)) {
            return;
        }
        boolean syn = Packets.has(p, Packets.SYN) && !Packets.has(p, Packets.ACK);
        if (!syn && p.payloadLength() <= 0) {
            return;
        }
        long seq = p.tcpSeq();
        long[] k = key(p);
        int seen = t.flowId() > 0 ? 2 * (int) (t.flowId() & (FLOW_SLOTS - 1)) + (p.sport() > p.dport() ? 1 : 0) : -1;
        Segment s = seen >= 0 ? byFlow[seen] : null;
        // the connection's slot in the table, searched only when the flow's last entry is not the packet's; found once:
        // a new connection's segment goes to the free slot the search ended on
        int slot = NOT_SEARCHED;
        if (s == null || !s.heldAs(k)) {
            slot = current.locate(k);
            s = slot >= 0 ? current.valueAt(slot) : null;
            if (s != null && seen >= 0) {
                byFlow[seen] = s;
            }
        }
        if (s != null && s.seq == seq && s.syn == syn) {
            s.repeatedIn(p.frame());
            s.lastNanos = p.timeNanos();
            if (s.offsets.isEmpty()) {
                s.offsets = new ArrayList<>(2);
            }
            if (s.offsets.size() < 6) {
                s.offsets.add(p.timeNanos() - s.firstNanos);
            }
            return;
        }
        if (s != null && s.repeats() == 0) {
            s.restart(seq, syn, p.iface(), p.timeNanos(), p.frame());
            return;
        }
        Segment next = new Segment(Packets.flowKey(p), k, p.family(), seq, syn, p.iface(), p.timeNanos(), p.frame());
        if (seen >= 0) {
            byFlow[seen] = next;
        }
        if (s != null) {
            finish(s);
            s.held = false;
            current.setAt(slot == NOT_SEARCHED ? current.locate(k) : slot, next);
            return;
        }
        Segment dropped = current.putAbsent(slot, k, next);
        if (dropped != null) {
            dropped.held = false;
            finish(dropped);
        }
    }

    /** The captured tuple of {@code p} as the table's key: what {@link Packets.FlowKey} holds, packed. */
    private long[] key(PacketSummary p) {
        long[] k = key;
        k[0] = (long) p.proto() << 32 | family(p.src()) << 8 | family(p.dst());
        k[1] = (long) p.sport() << 32 | (p.dport() & 0xffffffffL);
        PackedKeyTable.writeAddress(k, 2, p.src().orElse(null));
        PackedKeyTable.writeAddress(k, 4, p.dst().orElse(null));
        return k;
    }

    private static long family(java.util.Optional<io.pktpath.parser.net.IpAddress> a) {
        return a.isEmpty() ? 0 : a.get().isV4() ? 4 : 6;
    }

    private void finish(Segment s) {
        if (s.repeats() > 0 && repeated.size() < MAX_DONE) {
            repeated.add(s);
        }
    }

    /** Every segment that was sent more than once, in the order the first copy was seen. */
    List<Segment> repeated() {
        List<Segment> all = new ArrayList<>(repeated);
        current.forEach(s -> {
            if (s.repeats() > 0) {
                all.add(s);
            }
        });
        all.sort((a, b) -> Long.compare(a.firstFrame(), b.firstFrame()));
        return all;
    }

    /** Offsets of the repeats from the first copy, e.g. {@code +1.021 s, +3.069 s}. */
    static String offsets(Segment s) {
        return s.offsets.stream().map(o -> "+" + Text.seconds(o)).reduce((a, b) -> a + ", " + b).orElse("");
    }

    /** Segments whose connection is explained by another finding. */
    static List<Segment> without(List<Segment> all, Set<String> explainedTuples) {
        return all.stream().filter(s -> !explainedTuples.contains(s.tuple())).toList();
    }
}
