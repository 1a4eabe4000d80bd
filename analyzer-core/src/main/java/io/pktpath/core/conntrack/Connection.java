package io.pktpath.core.conntrack;

import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.CtStatus;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A confirmed conntrack entry of the replay's table; readable by anyone, changed only by {@link ConntrackTable}'s
 * commit methods. Keeps counters and the first {@value #KEPT_FRAMES} frame numbers, so memory grows with flows, not frames.
 */
public final class Connection implements TrackedFlow {
    static final int KEPT_FRAMES = 16;
    private static final Set<CtStatus> CONFIRMED = Set.of(CtStatus.CONFIRMED);
    private static final Set<CtStatus> CONFIRMED_REPLIED = Set.of(CtStatus.CONFIRMED, CtStatus.SEEN_REPLY);
    private static final Set<CtStatus> CONFIRMED_ASSURED = Set.of(CtStatus.CONFIRMED, CtStatus.ASSURED);
    private static final Set<CtStatus> CONFIRMED_REPLIED_ASSURED = Set.of(CtStatus.CONFIRMED, CtStatus.SEEN_REPLY,
            CtStatus.ASSURED);

    private final long id;
    private final int zone;
    private final Tuple original;
    private final Tuple reply;
    /** The original tuple's protocol, kept here so that a packet's lookup reads it without fetching the tuple. */
    private final int protocol;
    /** {@code Optional.of(reply)}, made once: every lookup's ct info carries it. */
    private final java.util.Optional<Tuple> replyPresent;
    private final int icmpRequestType;
    private final boolean fromBundle;
    private final List<NatRecord> nat;
    private final long createdNanos;
    private long packetsOriginal;
    private long packetsReply;
    private long bytesOriginal;
    private long bytesReply;
    /** The kept frame numbers as offsets from the first (grown as needed: most flows are short). */
    private int[] frameOffsets = new int[2];
    private int frameCount;
    private TcpState tcpState;
    private boolean seenReply;
    private boolean assured;
    private long mark;
    private long lastNanos;
    private long expiresNanos;
    private long firstFrame = -1;
    private long lastFrame = -1;
    private FlowEnd end = FlowEnd.OPEN;
    private boolean raceFlagged;
    /** The last lookup step made per direction and what it was made from, reused while lookups look alike. */
    private io.pktpath.core.trace.ConntrackStep lastOriginalStep;
    private io.pktpath.core.trace.ConntrackStep lastReplyStep;
    private int lastOriginalKey;
    private int lastReplyKey;
    /** The last lookup outcome and ct info made per direction, returned again while nothing in them changed. */
    private CtLookup.Existing lastOriginalLookup;
    private CtLookup.Existing lastReplyLookup;
    private java.util.Optional<CtInfo> lastOriginalInfo;
    private java.util.Optional<CtInfo> lastReplyInfo;
    /** What the replay keeps per direction for packets of this flow that look alike (opaque here). */
    private Object steadyOriginal;
    private Object steadyReply;
    /** The next ct of this ct's bucket in the by-source index ({@link SourceChains}). */
    private Connection sourceNext;

    Connection(long id, int zone, Tuple original, Tuple reply, int icmpRequestType, boolean fromBundle,
               List<NatRecord> nat, TcpState tcpState, long createdNanos, long mark) {
        this.id = id;
        this.zone = zone;
        this.original = Objects.requireNonNull(original, "original");
        this.reply = Objects.requireNonNull(reply, "reply");
        this.protocol = original.protocol();
        this.replyPresent = java.util.Optional.of(reply);
        this.icmpRequestType = icmpRequestType;
        this.fromBundle = fromBundle;
        this.nat = List.copyOf(nat);
        this.tcpState = tcpState;
        this.createdNanos = createdNanos;
        this.lastNanos = createdNanos;
        this.mark = mark;
    }

    @Override
    public long id() {
        return id;
    }

    /**
     * The trace step of a lookup of this ct: the one made last for the same direction when hook, state and TCP
     * transition are the same (its sentence is the same), a new one otherwise.
     */
    io.pktpath.core.trace.ConntrackStep lookupStep(io.pktpath.core.trace.Hook hook, CtState state, CtDirection direction,
                                                   TcpState tcpBefore, int tcpNext, CtLookup.Existing detail) {
        boolean reply = direction == CtDirection.REPLY;
        if (closing(tcpBefore) || tcpNext == TcpState.TIME_WAIT.ordinal() || tcpNext == TcpState.CLOSE.ordinal()) {
            // a closing connection sees few more packets but may stay in the table for minutes: keep nothing for it
            forgetLookups();
            return new io.pktpath.core.trace.ConntrackStep(hook, state, reply, false, id, detail.deferredDetail());
        }
        int key = hook.ordinal() | state.ordinal() << 4 | tcpBefore.ordinal() << 8 | (tcpNext + 1) << 16;
        io.pktpath.core.trace.ConntrackStep last = reply ? lastReplyStep : lastOriginalStep;
        if (last != null && (reply ? lastReplyKey : lastOriginalKey) == key) {
            return last;
        }
        io.pktpath.core.trace.ConntrackStep step = new io.pktpath.core.trace.ConntrackStep(hook, state, reply, false, id,
                detail.deferredDetail());
        if (reply) {
            lastReplyStep = step;
            lastReplyKey = key;
        } else {
            lastOriginalStep = step;
            lastOriginalKey = key;
        }
        return step;
    }

    /**
     * Reads what a lookup of this ct in {@code dir} reads first besides the ct itself (the last lookup made for the
     * direction and its ct info, the replay's slot) and returns a value made from it, for {@link ConntrackTable#warm}.
     */
    long warm(CtDirection dir) {
        boolean reply = dir == CtDirection.REPLY;
        CtLookup.Existing last = reply ? lastReplyLookup : lastOriginalLookup;
        java.util.Optional<CtInfo> info = reply ? lastReplyInfo : lastOriginalInfo;
        long sum = packetsOriginal + frameCount + tcpState.ordinal();
        if (last != null) {
            sum += last.tcpNext();
        }
        if (info != null && info.isPresent()) {
            sum += info.get().expiresSeconds();
        }
        return sum;
    }

    /** The replay's slot for this direction (null when empty). */
    public Object steadySlot(boolean reply) {
        return reply ? steadyReply : steadyOriginal;
    }

    /** Fills or empties ({@code null}) the replay's slot for this direction. */
    public void steadySlot(boolean reply, Object value) {
        if (reply) {
            steadyReply = value;
        } else {
            steadyOriginal = value;
        }
    }

    @Override
    public int zone() {
        return zone;
    }

    @Override
    public Tuple original() {
        return original;
    }

    @Override
    public Tuple reply() {
        return reply;
    }

    public int protocol() {
        return protocol;
    }

    /** The ICMP request type of the ORIGINAL direction (-1 for other protocols). */
    public int icmpRequestType() {
        return icmpRequestType;
    }

    public boolean isTcp() {
        return protocol == Packet.TCP;
    }

    /** The TCP state (NONE for other protocols). */
    public TcpState tcpState() {
        return tcpState;
    }

    public boolean seenReply() {
        return seenReply;
    }

    public boolean assured() {
        return assured;
    }

    public long mark() {
        return mark;
    }

    public boolean fromBundle() {
        return fromBundle;
    }

    public long createdNanos() {
        return createdNanos;
    }

    public long lastNanos() {
        return lastNanos;
    }

    public long expiresNanos() {
        return expiresNanos;
    }

    public FlowEnd end() {
        return end;
    }

    public List<NatRecord> nat() {
        return nat;
    }

    public long packets(CtDirection dir) {
        return dir == CtDirection.ORIGINAL ? packetsOriginal : packetsReply;
    }

    public long bytes(CtDirection dir) {
        return dir == CtDirection.ORIGINAL ? bytesOriginal : bytesReply;
    }

    public long firstFrame() {
        return firstFrame;
    }

    /** True if the ct has timed out at {@code timeNanos}. */
    public boolean expiredAt(long timeNanos) {
        return timeNanos >= expiresNanos;
    }

    /** The state a packet of direction {@code dir} gets: NEW in ORIGINAL until a reply was seen, else ESTABLISHED. */
    public CtState stateFor(CtDirection dir) {
        return dir == CtDirection.REPLY || seenReply ? CtState.ESTABLISHED : CtState.NEW;
    }

    /** What the rules see of this ct for a packet of {@code state} travelling in {@code dir} at {@code timeNanos}. */
    public CtInfo ctInfo(CtState state, CtDirection dir, long timeNanos) {
        Set<CtStatus> status = status();
        long remaining = remainingSeconds(timeNanos);
        return new CtInfo(state, dir == CtDirection.REPLY, mark, status, original, replyPresent, zone, remaining, id);
    }

    /**
     * The lookup outcome of a packet of {@code dir} at {@code timeNanos} whose TCP transition is {@code tcpNext}: the
     * one made last for this direction when everything it holds (state, mark, status bits, remaining seconds, TCP
     * transition) is the same, a new one otherwise.
     */
    CtLookup.Existing existing(CtDirection dir, CtState state, long timeNanos, int tcpNext) {
        boolean reply = dir == CtDirection.REPLY;
        java.util.Optional<CtInfo> info = presentInfo(dir, state, timeNanos);
        CtLookup.Existing last = reply ? lastReplyLookup : lastOriginalLookup;
        if (last != null && last.info() == info.get() && last.state() == state && last.tcpBefore() == tcpState
                && last.tcpNext() == tcpNext) {
            return last;
        }
        CtLookup.Existing made = new CtLookup.Existing(this, dir, state, info.get(), tcpState, tcpNext);
        if (reply) {
            lastReplyLookup = made;
        } else {
            lastOriginalLookup = made;
        }
        return made;
    }

    /** {@code Optional.of(info)}, the one made when {@code info} was the direction's last ct info (no copy per packet). */
    java.util.Optional<CtInfo> present(CtDirection dir, CtInfo info) {
        java.util.Optional<CtInfo> last = dir == CtDirection.REPLY ? lastReplyInfo : lastOriginalInfo;
        return last != null && last.get() == info ? last : java.util.Optional.of(info);
    }

    private java.util.Optional<CtInfo> presentInfo(CtDirection dir, CtState state, long timeNanos) {
        boolean reply = dir == CtDirection.REPLY;
        Set<CtStatus> status = status();
        long remaining = remainingSeconds(timeNanos);
        java.util.Optional<CtInfo> last = reply ? lastReplyInfo : lastOriginalInfo;
        if (last != null) {
            CtInfo c = last.get();
            if (c.state() == state && c.ctMark() == mark && c.status() == status && c.expiresSeconds() == remaining) {
                return last;
            }
        }
        java.util.Optional<CtInfo> made = java.util.Optional.of(
                ctInfo(state, dir, timeNanos));
        if (reply) {
            lastReplyInfo = made;
        } else {
            lastOriginalInfo = made;
        }
        return made;
    }

    private Set<CtStatus> status() {
        return assured ? (seenReply ? CONFIRMED_REPLIED_ASSURED : CONFIRMED_ASSURED)
                : seenReply ? CONFIRMED_REPLIED : CONFIRMED;
    }

    private long remainingSeconds(long timeNanos) {
        return Math.max(0, (expiresNanos - timeNanos) / 1_000_000_000L);
    }

    /** A snapshot for the flows view; a live ct whose timer ran out by {@code endNanos} shows as EXPIRED. */
    public FlowRecord snapshot(long endNanos) {
        FlowEnd shown = end == FlowEnd.OPEN && expiredAt(endNanos) ? FlowEnd.EXPIRED : end;
        return new FlowRecord(id, zone, original, reply, nat, stateName(), assured, packetsOriginal, bytesOriginal,
                packetsReply, bytesReply, createdNanos, lastNanos, seenReply, shown, fromBundle, mark, firstFrame, lastFrame, keptFrames());
    }

    /** The kept frame numbers (a primitive array inside: a boxed list per flow would dominate the heap at scale). */
    private List<Long> keptFrames() {
        List<Long> out = new ArrayList<>(frameCount);
        for (int i = 0; i < frameCount; i++) {
            out.add(firstFrame + frameOffsets[i]);
        }
        return out;
    }

    private String stateName() {
        if (isTcp()) {
            return tcpState.name();
        }
        return switch (original.protocol()) {
            case Packet.UDP -> "UDP";
            case Packet.ICMP -> "ICMP";
            case Packet.ICMPV6 -> "ICMPv6";
            default -> "proto " + original.protocol();
        };
    }

    // ---- mutation, for ConntrackTable's commit methods only ----

    void count(CtDirection dir, Packet p) {
        if (dir == CtDirection.ORIGINAL) {
            packetsOriginal++;
            bytesOriginal += p.length();
        } else {
            packetsReply++;
            bytesReply += p.length();
        }
        if (firstFrame < 0) {
            firstFrame = p.frame();
        }
        lastFrame = p.frame();
        long offset = p.frame() - firstFrame;
        if (frameCount < KEPT_FRAMES && offset >= 0 && offset <= Integer.MAX_VALUE) {
            if (frameCount == frameOffsets.length) {
                frameOffsets = java.util.Arrays.copyOf(frameOffsets, Math.min(KEPT_FRAMES, frameCount * 2));
            }
            frameOffsets[frameCount++] = (int) offset;
        }
    }

    void seed(long packetsOriginal, long bytesOriginal, long packetsReply, long bytesReply) {
        this.packetsOriginal = packetsOriginal;
        this.bytesOriginal = bytesOriginal;
        this.packetsReply = packetsReply;
        this.bytesReply = bytesReply;
    }

    void touch(long timeNanos) {
        lastNanos = Math.max(lastNanos, timeNanos);
    }

    void setTimeout(long timeNanos, long seconds) {
        expiresNanos = timeNanos + seconds * 1_000_000_000L;
    }

    void setTcpState(TcpState state) {
        tcpState = state;
    }

    void markSeenReply() {
        seenReply = true;
    }

    void markAssured() {
        assured = true;
    }

    void setMark(long newMark) {
        mark = newMark & 0xffffffffL;
    }

    private static boolean closing(TcpState s) {
        return s == TcpState.TIME_WAIT || s == TcpState.CLOSE;
    }

    void end(FlowEnd how) {
        end = how;
        forgetLookups();
    }

    private void forgetLookups() {
        lastOriginalStep = null;
        lastReplyStep = null;
        lastOriginalLookup = null;
        lastReplyLookup = null;
        lastOriginalInfo = null;
        lastReplyInfo = null;
    }

    boolean raceFlagged() {
        return raceFlagged;
    }

    void flagRace() {
        raceFlagged = true;
    }

    Connection sourceNext() {
        return sourceNext;
    }

    void sourceNext(Connection next) {
        sourceNext = next;
    }
}
