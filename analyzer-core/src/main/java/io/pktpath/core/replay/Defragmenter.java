package io.pktpath.core.replay;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.packet.DecodeStatus;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.Reassembled;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.sysctl.Setting;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * nf_defrag as the replay sees it (net/ipv4/netfilter/nf_defrag_ipv4.c, ip_fragment.c): the fragments a node receives
 * are held per (family, source, destination, protocol, identification) until the datagram is whole, which the frame
 * that completes it replays once; a queue still incomplete {@code ipfrag_time} after its first fragment is dropped, as
 * is one whose fragments overlap. Fragments the node sends are one datagram fragmented after POSTROUTING: it is
 * replayed whole at its first fragment and the others are its copies. Only frames that are fragments reach this class.
 */
final class Defragmenter {
    /** What became of one datagram's fragments in the capture. */
    enum Outcome {
        /** Whole: replayed at {@link Datagram#replayedAt}. */
        COMPLETE,
        /** Two fragments overlap: the kernel drops the whole queue (RFC 5722). */
        OVERLAPPED,
        /** Not whole when its time ran out: the kernel dropped the fragments held. */
        EXPIRED,
        /** Not whole when the capture ended, before its time ran out. */
        CAPTURE_ENDED,
        /** Not whole within the frames the replay reads ahead, before its time ran out. */
        BEYOND_LOOKAHEAD,
        /** Sent fragments whose datagram the capture does not hold whole (no first fragment, or parts missing). */
        SENT_INCOMPLETE
    }

    /**
     * One datagram: its fragment frames in capture order, the frame that replays it whole (0 when none does), what
     * became of it, and the timeout that applied (seconds; {@code assumed} when the bundle lacks the sysctl).
     */
    record Datagram(List<CapturedPacket> parts, long replayedAt, Outcome outcome, long timeoutSeconds,
                    boolean timeoutAssumed, String timeoutName) {
        Datagram {
            parts = List.copyOf(parts);
        }

        /** The frame numbers of the parts. */
        List<Long> frames() {
            List<Long> out = new ArrayList<>(parts.size());
            for (CapturedPacket p : parts) {
                out.add(p.frame());
            }
            return out;
        }

        /** The part carrying the transport header (offset 0). */
        CapturedPacket firstPart() {
            for (CapturedPacket p : parts) {
                if (p.fragment().get().first()) {
                    return p;
                }
            }
            return parts.get(0);
        }

        /** The number of data bytes the fragments carry together (the end of the last one). */
        int dataLength() {
            int total = 0;
            for (CapturedPacket p : parts) {
                total = Math.max(total, p.fragment().get().end());
            }
            return total;
        }

        /** The datagram's length: the headers before the data (no IPv6 fragment header) and every data byte. */
        int wholeLength() {
            CapturedPacket first = firstPart();
            int headers = first.fragment().get().headerLength();
            return (first.ipPacket().family() == IpFamily.V6 ? headers - 8 : headers) + dataLength();
        }
    }

    /** Later frames of datagrams already planned, by frame number. */
    private final Map<Long, Datagram> planned = new HashMap<>();

    /** The datagram an earlier frame planned this frame into, taking it off the plan; null when none did. */
    Datagram plannedFor(long frame) {
        return planned.isEmpty() ? null : planned.remove(frame);
    }

    /**
     * The datagram whose first received fragment is {@code first}: the received fragments of the same queue among
     * {@code ahead} (in capture order, those {@code eligible} accepts) until it is whole, overlaps, or its time runs
     * out; {@code beyondLookahead} when the frames read ahead stopped at their limit before its time ran out.
     */
    Datagram hold(CapturedPacket first, Iterable<CapturedPacket> ahead, Predicate<CapturedPacket> eligible,
                  Setting<Long> timeout, boolean beyondLookahead) {
        long expires = first.summary().timeNanos() + timeout.value() * 1_000_000_000L;
        Coverage held = new Coverage();
        held.add(first.fragment().get());
        List<CapturedPacket> parts = new ArrayList<>();
        parts.add(first);
        Outcome outcome = null;
        long completing = 0;
        for (CapturedPacket later : ahead) {
            if (later.summary().timeNanos() >= expires) {
                outcome = Outcome.EXPIRED;
                break;
            }
            if (!sameQueue(first, later) || !eligible.test(later) || planned.containsKey(later.frame())) {
                continue;
            }
            parts.add(later);
            if (!held.add(later.fragment().get())) {
                outcome = Outcome.OVERLAPPED;
                break;
            }
            if (held.whole()) {
                outcome = Outcome.COMPLETE;
                completing = later.frame();
                break;
            }
        }
        if (outcome == null) {
            outcome = beyondLookahead ? Outcome.BEYOND_LOOKAHEAD : Outcome.CAPTURE_ENDED;
        }
        return plan(new Datagram(parts, completing, outcome, timeout.value(), timeout.assumedDefault(), timeout.sources()));
    }

    /**
     * The datagram the node sent whose fragment {@code first} is: when it is the first fragment, the fragments of the
     * same datagram that follow it on its interface among {@code ahead} ({@code eligible}), replayed whole at it;
     * otherwise, or when they do not make it whole, not replayed.
     */
    Datagram sent(CapturedPacket first, Iterable<CapturedPacket> ahead, Predicate<CapturedPacket> eligible,
                  long untilNanos) {
        List<CapturedPacket> parts = new ArrayList<>();
        parts.add(first);
        Coverage sent = new Coverage();
        sent.add(first.fragment().get());
        if (first.fragment().get().first()) {
            for (CapturedPacket later : ahead) {
                if (later.summary().timeNanos() > untilNanos) {
                    break;
                }
                if (!sameQueue(first, later) || !eligible.test(later) || !sent.add(later.fragment().get())) {
                    continue;
                }
                parts.add(later);
                if (sent.whole()) {
                    return new Datagram(parts, first.frame(), Outcome.COMPLETE, 0, false, "");
                }
            }
        }
        return new Datagram(List.of(first), 0, Outcome.SENT_INCOMPLETE, 0, false, "");
    }

    /** The egress copies of a datagram whose first fragment left as {@code first}: it and the fragments that follow it. */
    static List<Long> copiesFrom(CapturedPacket first, Iterable<CapturedPacket> ahead, Predicate<CapturedPacket> eligible,
                                 long untilNanos) {
        List<Long> copies = new ArrayList<>();
        copies.add(first.frame());
        Coverage left = new Coverage();
        left.add(first.fragment().get());
        for (CapturedPacket later : ahead) {
            if (left.whole() || later.summary().timeNanos() > untilNanos) {
                break;
            }
            if (later.frame() > first.frame() && sameQueue(first, later) && eligible.test(later)
                    && later.summary().iface().equals(first.summary().iface()) && left.add(later.fragment().get())) {
                copies.add(later.frame());
            }
        }
        return copies;
    }

    private Datagram plan(Datagram d) {
        for (int i = 1; i < d.parts().size(); i++) {
            planned.put(d.parts().get(i).frame(), d);
        }
        return d;
    }

    /** The nf_defrag queue a fragment frame belongs to, as text: family, protocol, addresses and identification. */
    static String queueOf(CapturedPacket cp) {
        Packet p = cp.ipPacket();
        return p.family() + " " + p.proto() + " " + p.src() + " " + p.dst() + " " + cp.fragment().get().id();
    }

    /** Two fragment frames of one nf_defrag queue: family, protocol, addresses and identification. */
    private static boolean sameQueue(CapturedPacket a, CapturedPacket b) {
        if (b.fragment().isEmpty() || !b.hasPacket()) {
            return false;
        }
        Packet p = a.ipPacket();
        Packet q = b.ipPacket();
        return a.fragment().get().id() == b.fragment().get().id() && p.proto() == q.proto() && p.family() == q.family()
                && p.src().equals(q.src()) && p.dst().equals(q.dst());
    }

    /**
     * The whole datagram as a frame to replay at {@code at} (the frame that completed it, or the first one sent): the
     * first fragment's headers and transport header with the total length and payload, {@code at}'s time, interfaces
     * and summary, and the first fragment's payload hash (which its egress copy's first fragment shares).
     */
    static CapturedPacket whole(Datagram d, CapturedPacket at) {
        CapturedPacket first = d.firstPart();
        Packet f = first.ipPacket();
        Packet a = at.ipPacket();
        int length = d.wholeLength();
        int payload = Math.max(f.payloadLength(), 0) + d.dataLength() - first.fragment().get().dataLength();
        Packet whole = new Packet(a.frame(), a.timeNanos(), f.family(), f.proto(), f.src(), f.dst(), f.sport(), f.dport(),
                f.tcpFlags(), f.seq(), f.ack(), payload, f.ipId(), length, f.ttl(), f.icmpType(), f.icmpCode(), f.icmpId(),
                f.quoted(), false, true, f.dontFragment(), f.linkClass(), f.macSource(), a.inIface(), a.outIface(), a.physIn(), a.physOut(),
                a.bridged(), a.mark(), a.locallyGenerated(), receivedLargest(d, at));
        return new CapturedPacket(at.summary(), Optional.of(whole), DecodeStatus.OK, "", at.linkSrcMac(), at.linkDstMac(),
                at.sllPacketType(), first.payloadHash());
    }

    /** The datagram {@code d} as the hooks saw it at {@code at}: {@code at}'s frame with the first fragment's header and the total length. */
    static Reassembled reassembled(Datagram d, CapturedPacket at, List<Long> fragments) {
        PacketSummary f = d.firstPart().summary();
        PacketSummary s = at.summary();
        PacketSummary datagram = new PacketSummary(s.frame(), s.timeNanos(), s.iface(), s.dir(), f.family(), f.proto(),
                f.src(), f.dst(), f.sport(), f.dport(), f.ipId(), d.wholeLength(), f.icmpType(), f.icmpCode(),
                f.tcpFlags(), f.info());
        return new Reassembled(datagram, fragments, receivedLargest(d, at));
    }

    /**
     * The length of the largest fragment of a datagram the node received and reassembled (its frag_max_size), 0 for one
     * the node sent itself, which it fragments at the MTU only.
     */
    private static int receivedLargest(Datagram d, CapturedPacket at) {
        int largest = 0;
        if (d.replayedAt() != d.parts().get(0).frame() || at.inbound()) {
            for (CapturedPacket p : d.parts()) {
                largest = Math.max(largest, p.summary().length());
            }
        }
        return largest;
    }

    /** The copy of a reassembled datagram's first fragment leaving as {@code copy}: the datagram with its addresses. */
    static Reassembled leftAs(CapturedPacket copy, Reassembled original, List<Long> fragments) {
        PacketSummary s = copy.summary();
        PacketSummary datagram = new PacketSummary(s.frame(), s.timeNanos(), s.iface(), s.dir(), s.family(), s.proto(),
                s.src(), s.dst(), s.sport(), s.dport(), s.ipId(), original.datagram().length(), s.icmpType(),
                s.icmpCode(), s.tcpFlags(), s.info());
        return new Reassembled(datagram, fragments, original.largestFragment());
    }

    /**
     * The trace of a fragment frame that does not replay its datagram: held, dropped with its queue, or not replayed;
     * {@code ingress} is its walk of the ingress chains that let it through to nf_defrag (empty when it walked none).
     */
    static PacketTrace partTrace(CapturedPacket cp, Datagram d, List<String> notes,
                                 List<io.pktpath.core.trace.TraceStep> ingress) {
        List<Long> others = new ArrayList<>();
        for (Long f : d.frames()) {
            if (f != cp.frame()) {
                others.add(f);
            }
        }
        String what = describe(cp);
        String timeout = d.timeoutName() + " " + d.timeoutSeconds() + " s" + (d.timeoutAssumed()
                ? ", the kernel default: the bundle does not hold it" : "");
        Disposition disposition;
        String reason;
        List<Long> correlated = others;
        switch (d.outcome()) {
            case COMPLETE -> {
                disposition = Disposition.HELD_FOR_REASSEMBLY;
                correlated = List.of(d.replayedAt());
                reason = what + " held by nf_defrag (before raw PREROUTING) until its datagram was whole: frame "
                        + d.replayedAt() + " completed it (" + d.wholeLength() + " bytes from frames " + join(d.frames())
                        + ") and replays it there once, as one packet";
            }
            case OVERLAPPED -> {
                disposition = Disposition.REASSEMBLY_FAILED;
                reason = what + " held by nf_defrag, but fragments of its datagram overlap (frames " + join(d.frames())
                        + "): the kernel drops every fragment of it (RFC 5722); the datagram never crosses the node";
            }
            case EXPIRED -> {
                disposition = Disposition.REASSEMBLY_FAILED;
                reason = what + " held by nf_defrag, but its datagram never became whole: " + timeout + " after its"
                        + " first fragment the kernel dropped the fragments held (frames " + join(d.frames())
                        + "; Ip.ReasmTimeout); the datagram never crossed the node";
            }
            case CAPTURE_ENDED -> {
                disposition = Disposition.NOT_REPLAYABLE;
                reason = what + " held by nf_defrag for reassembly when the capture ended, before " + timeout
                        + " ran out: the rest of its datagram is not in the capture (frames held: " + join(d.frames()) + ")";
            }
            case BEYOND_LOOKAHEAD -> {
                disposition = Disposition.NOT_REPLAYABLE;
                reason = what + " held by nf_defrag for reassembly; its datagram did not become whole within the frames"
                        + " the replay reads ahead (frames held: " + join(d.frames()) + ")";
            }
            default -> {
                disposition = Disposition.NOT_REPLAYABLE;
                reason = what + " sent on " + (cp.summary().iface().isEmpty() ? "its interface" : cp.summary().iface())
                        + ", a part of a datagram the capture does not hold whole (its first fragment and every other"
                        + " part): not replayed alone, since the hooks saw only the whole datagram";
            }
        }
        return new PacketTrace(cp.summary(), FrameRole.FRAGMENT, List.copyOf(ingress), disposition,
                ingress.isEmpty() ? reason : "let through by the ingress chains; " + reason, Optional.empty(),
                Optional.empty(), correlated, List.of(), List.of(), notes, 0);
    }

    private static String describe(CapturedPacket cp) {
        IpFragment f = cp.fragment().get();
        return "fragment of IP id " + f.id() + " (data bytes " + f.offset() + "-" + (f.end() - 1)
                + (f.more() ? "" : ", the last") + ")";
    }

    private static String join(List<Long> frames) {
        StringBuilder sb = new StringBuilder();
        for (Long f : frames) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(f);
        }
        return sb.toString();
    }

    /** The data ranges of one datagram's fragments: whole when the last fragment came and every byte before it. */
    private static final class Coverage {
        private final List<int[]> ranges = new ArrayList<>();
        private int total = -1;
        private int covered;

        /**
         * Takes one fragment; false when it overlaps data already held (an exact duplicate is taken as nothing new,
         * as the kernel discards it) or contradicts the known end of the datagram.
         */
        boolean add(IpFragment f) {
            for (int[] r : ranges) {
                if (r[0] == f.offset() && r[1] == f.end()) {
                    return true;
                }
                if (f.offset() < r[1] && r[0] < f.end()) {
                    return false;
                }
            }
            if (!f.more()) {
                if (total >= 0 && total != f.end()) {
                    return false;
                }
                total = f.end();
            }
            if (total >= 0 && f.end() > total) {
                return false;
            }
            ranges.add(new int[] {f.offset(), f.end()});
            covered += f.dataLength();
            return true;
        }

        boolean whole() {
            return total >= 0 && covered == total;
        }
    }
}
