package io.pktpath.core.replay;

import io.pktpath.core.capture.CaptureReader;
import io.pktpath.core.capture.CaptureSummary;
import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.packet.DecodeStatus;
import io.pktpath.core.trace.Alternative;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.OneFrame;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.DeferredText;
import io.pktpath.core.trace.Reassembled;
import io.pktpath.core.trace.RuleMiss;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.core.trace.TunnelTie;
import io.pktpath.core.trace.Tuple;
import io.pktpath.core.trace.UndecidedStep;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.sysctl.Setting;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * Replays a capture frame by frame, in order: decides each frame's capture point, runs every branch of its path, picks
 * the branch the capture shows happened (its egress copy, found by looking ahead), commits it, and emits exactly one
 * {@link PacketTrace} per frame. Without a node ({@code path} null) it decodes only.
 */
public final class ReplayLoop {
    private final NodePath path;
    private final ReplayOptions options;
    private final Lookahead ahead;
    /**
     * The first unclaimed frame {@link #choose} found carrying the packet without matching a branch, in one slot the
     * search of each frame reuses (cleared when it starts, read before it returns).
     */
    private final CapturedPacket[] lookalike = new CapturedPacket[1];
    /** The latest capture time of the frames read up to the one being replayed (that one included). */
    private long latestUpToCurrent = Long.MIN_VALUE;
    private final FrameClaims claimedBy;
    /**
     * The notes of the IP frame being processed, one list emptied at the start of each frame instead of one made for
     * every frame: a trace copies the notes it is given ({@link PacketTrace}), and no frame's processing keeps the
     * list once its trace is made.
     */
    private final List<String> frameNotes = new ArrayList<>();
    private final Map<Long, String> bridgedFrom = new HashMap<>();
    /**
     * The bridge port each source address was last received on, per bridge ({@code br0 10.0.0.3} to its port): the
     * port a frame to that address leaves by when the capture shows no copy of it leaving (a bridge chain dropped it),
     * as the bridge's forwarding database learns the port of a source MAC from the frames it receives.
     */
    private final Map<String, String> learnedPorts = new HashMap<>();
    /** The frames ahead claimed as the copies a bridge flooded to its ports (their FORWARD passes are the flood's). */
    private final Set<Long> floodCopies = new HashSet<>();
    /** The sentences of frames claimed as a packet's copy that the default one (leaving on IFACE) would misstate. */
    private final Map<Long, String> copyReasons = new HashMap<>();
    private final CapturedInterfaces interfaces;
    private final LinkedHashMap<String, Long> loopedOut = new LinkedHashMap<>();
    private final LeftUnseen leftUnseen = new LeftUnseen();
    private final Defragmenter defragmenter = new Defragmenter();
    private final TunnelTies tunnels = new TunnelTies();
    /** The tunnel tie of the frame being replayed, set by {@link #tieTunnel}; null for none. */
    private TunnelTie tie;
    /** The fwmark the frame being replayed brings across its tunnel (set by {@link #tieTunnel}); 0 for none. */
    private long tunnelMark;
    /** The reassembled datagram the frame being processed replays; null for a frame that is a whole packet. */
    private Defragmenter.Datagram reassembling;
    /**
     * The received fragment that completed {@link #reassembling} when it walked ingress chains (null otherwise): the
     * datagram's replay starts with that fragment's walk of them.
     */
    private Packet completedBy;
    private static final int DROPPED_FRAGMENTS_KEPT = 1024;
    /**
     * The last fragment frame an ingress chain dropped, by its nf_defrag queue ({@link Defragmenter#queueOf}); the
     * latest {@value #DROPPED_FRAGMENTS_KEPT} queues only.
     */
    private final Map<String, Long> droppedFragments = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > DROPPED_FRAGMENTS_KEPT;
        }
    };
    private FrameGroups source;
    /** The ARP frames' replay (null without a node). */
    private final ArpReplay arp;

    public ReplayLoop(NodePath path, ReplayOptions options) {
        this.path = path;
        this.options = options;
        this.ahead = new Lookahead(options.indexedLookahead());
        this.claimedBy = new FrameClaims(options.lookaheadFrames());
        this.interfaces = new CapturedInterfaces(path);
        this.arp = path == null ? null : new ArpReplay(path, options.lookaheadNanos(), until -> {
            fill(until);
            return ahead;
        });
    }

    /**
     * Reads the whole capture and hands every frame's trace to {@code sink}; {@code progress} gets the frame count now
     * and then, and {@code cancelled} stops the replay early (the summary then covers what was read).
     */
    public CaptureSummary run(CaptureReader reader, PacketConverter converter, TraceSink sink, LongConsumer progress,
                              BooleanSupplier cancelled) {
        try (FrameSource frames = new FrameSource(reader, converter)) {
            source = new FrameGroups(frames::next, path);
            if (!replayAll(sink, progress, cancelled)) {
                return frames.summary() == null ? cancelledSummary(reader) : frames.summary();
            }
            return frames.summary();
        }
    }

    /**
     * Replays frames decoded beforehand ({@link DecodedCapture}), on this thread only, handing every frame's trace to
     * {@code sink}; returns the number of frames. For measuring the replay apart from reading and decoding (the
     * benchmarks): the traces are the ones {@link #run} gives for the same capture.
     */
    public long replay(DecodedCapture frames, TraceSink sink) {
        java.util.Iterator<CapturedPacket> it = frames.frames().iterator();
        source = new FrameGroups(() -> it.hasNext() ? it.next() : null, path);
        long[] count = {0};
        replayAll(sink, n -> count[0] = n, () -> false);
        return count[0];
    }

    /**
     * Replays every frame of {@link #source} in order into {@code sink}, telling {@code progress} the count every 1,024
     * frames and at the end; false when {@code cancelled} stopped it early.
     */
    private boolean replayAll(TraceSink sink, LongConsumer progress, BooleanSupplier cancelled) {
        long count = 0;
        while (true) {
            CapturedPacket cp;
            if (ahead.isEmpty()) {
                cp = source.next();
                if (cp != null) {
                    latestUpToCurrent = ahead.noteRead(cp);
                }
            } else {
                cp = ahead.poll();
                latestUpToCurrent = ahead.polledLatest();
            }
            if (cp == null) {
                progress.accept(count);
                return true;
            }
            sink.accept(process(cp));
            if ((++count & 1023) == 0) {
                progress.accept(count);
                if (cancelled.getAsBoolean()) {
                    return false;
                }
            }
        }
    }

    private static CaptureSummary cancelledSummary(CaptureReader reader) {
        return new CaptureSummary(reader.displayName(), reader.format(), 0, 0, List.of(), List.of(), List.of());
    }

    /** The trace of frame {@code cp}, tied to the tunnel frame that carries it or the frame it carries (if any). */
    private PacketTrace process(CapturedPacket cp) {
        tie = null;
        tunnelMark = 0;
        PacketTrace trace = processFrame(cp);
        if (tie != null && tie.carrier() && tie.frame() == 0 && trace.disposition().isFailure()) {
            tie = new TunnelTie(tie.tunnel(), true, 0, TunnelTies.failedDetail(cp, trace.disposition()));
        }
        return tie == null ? trace : trace.withTunnel(tie);
    }

    private PacketTrace processFrame(CapturedPacket cp) {
        PacketTrace original = claimedBy.remove(cp.frame());
        if (original != null) {
            String reason = copyReasons.isEmpty() ? null : copyReasons.remove(cp.frame());
            PacketTrace copy = copyOf(cp, original, reason);
            if (!floodCopies.isEmpty() && floodCopies.remove(cp.frame())) {
                // a flooded copy left after its own FORWARD and POSTROUTING: forwarded, whatever the local copy's fate
                copy = new PacketTrace(copy.packet(), copy.role(), copy.path(), Disposition.FORWARDED, copy.reasonText(),
                        copy.nat(), copy.route(), copy.correlated(), copy.alternatives(), copy.misses(), copy.notes(),
                        copy.flowId(), copy.reassembled(), copy.tunnel());
            }
            return tiedCopy(cp, copy);
        }
        if (!cp.hasPacket()) {
            return withoutIp(cp);
        }
        if (path == null) {
            return notReplayed(cp, Disposition.NOT_REPLAYABLE, "decoded only: the bundle has no rules or routes to replay against");
        }
        cp = placeByMac(cp);
        Packet packet = cp.ipPacket();
        String iface = cp.summary().iface();
        interfaces.note(iface);
        List<String> notes = frameNotes;
        notes.clear();
        if (placedByRoute != null) {
            notes.add(placedByRoute);
            placedByRoute = null;
        }
        tieTunnel(cp);
        reassembling = null;
        completedBy = null;
        if (cp.fragment().isPresent() && defragmented(cp, packet)) {
            Packet fragment = cp.inbound() ? received(packet) : null;
            BranchEnumerator.Runs<PathRun> atIngress = null;
            if (fragment != null && path.walksIngress(fragment)) {
                // the ingress chains run before nf_defrag: each fragment walks them as it is, and one they drop
                // never reaches the queue
                boolean misses = options.missesFor(cp.frame());
                Packet walked = fragment;
                atIngress = branches(notes, oracle -> path.fragmentIngress(walked, oracle, misses));
                if (atIngress.run(0).disposition() != Disposition.HELD_FOR_REASSEMBLY) {
                    droppedFragments.put(Defragmenter.queueOf(cp), cp.frame());
                    return replay(cp, FrameRole.INGRESS, notes, atIngress, fragment, false);
                }
            }
            Defragmenter.Datagram datagram = datagramOf(cp);
            Long dropped = droppedFragments.get(Defragmenter.queueOf(cp));
            if (dropped != null && datagram.replayedAt() == 0) {
                notes.add("frame " + dropped + ", a fragment of the same datagram, was dropped by an ingress chain"
                        + " before nf_defrag: the queue lacks it");
            }
            if (datagram.replayedAt() != cp.frame()) {
                if (atIngress == null) {
                    return Defragmenter.partTrace(cp, datagram, notes, List.of());
                }
                PathRun held = atIngress.run(0);
                path.commit(held, fragment);
                notes.addAll(held.notes());
                return Defragmenter.partTrace(cp, datagram, notes, held.steps());
            }
            reassembling = datagram;
            completedBy = atIngress == null ? null : fragment;
            cp = Defragmenter.whole(datagram, cp);
            packet = cp.ipPacket();
        }
        if (cp.inbound() && !iface.isEmpty()) {
            Optional<String> bridge = interfaces.bridgeOf(iface);
            if (bridge.isPresent()) {
                return bridgePort(cp, packet, bridge.get(), notes);
            }
            if (iface.equals("lo") && !loopedOut.containsKey(identity(packet))) {
                return loopback(cp, packet, notes);
            }
        }
        if (cp.outbound() && iface.equals("lo")) {
            rememberLoopedOut(packet, cp.frame());
        }
        FrameRole role = role(cp, packet, notes);
        PacketTrace rebuilt = role == FrameRole.INGRESS ? null : rebuiltArrival(cp, packet, role);
        if (rebuilt != null) {
            return rebuilt;
        }
        if (role == FrameRole.NOT_REPLAYED) {
            leftUnseen.remember(packet, cp.frame());
            return notReplayed(cp, Disposition.NOT_REPLAYABLE, "sent on " + cp.summary().iface() + " from "
                    + packet.src() + ", which is not a node address: " + PartialCapture.LEFT_UNSEEN);
        }
        String port = bridgedFrom.isEmpty() ? null : bridgedFrom.remove(cp.frame());
        Packet arrived = role == FrameRole.LOCAL_OUT ? sentPort(cp, asLocal(packet), notes)
                : port == null ? asIngress(packet) : asIngress(packet).withBridgePorts(port, "", false);
        Packet input = tunnelMark == 0 ? arrived : arrived.withMark(tunnelMark);
        long request = role == FrameRole.INGRESS && port == null ? leftUnseen.answeredBy(packet) : 0;
        if (request > 0 && path.lacksConnection(input)) {
            return notReplayed(cp, Disposition.NOT_REPLAYABLE, PartialCapture.REPLY + request + " ("
                    + PartialCapture.LEFT_UNSEEN + "): the node's conntrack saw that packet cross an interface the"
                    + " capture does not hold, so the state of this packet's connection (and its NAT) is not known;"
                    + " replayed, it would open a connection the node never had, or be INVALID");
        }
        if (role == FrameRole.INGRESS && port == null) {
            return replayReceived(cp, notes, input, false);
        }
        boolean misses = options.missesFor(cp.frame());
        return replay(cp, role, notes, branches(notes, oracle -> role == FrameRole.LOCAL_OUT
                ? path.localOut(input, oracle, misses)
                : path.ingress(input, oracle, misses)), input, false);
    }

    /**
     * Whether nf_defrag takes this fragment frame: the node defragments its family, the frame has a direction and is
     * not on lo or a bridge port (those keep their own handling), and it is not an IPv6 atomic fragment (offset 0
     * without more fragments, which the kernel processes as a whole packet).
     */
    private boolean defragmented(CapturedPacket cp, Packet packet) {
        IpFragment f = cp.fragment().get();
        String iface = cp.summary().iface();
        return (f.more() || !f.first()) && (cp.inbound() || cp.outbound()) && !iface.equals("lo")
                && interfaces.bridgeOf(iface).isEmpty() && path.defragments(packet.family());
    }

    /**
     * The datagram a fragment frame belongs to: planned by an earlier fragment of it, else planned now from the frames
     * ahead (a received fragment's queue for as long as the fragment timeout, or as far as the lookahead reads; a sent
     * fragment's datagram within the lookahead window).
     */
    private Defragmenter.Datagram datagramOf(CapturedPacket cp) {
        Defragmenter.Datagram planned = defragmenter.plannedFor(cp.frame());
        if (planned != null) {
            return planned;
        }
        long at = cp.summary().timeNanos();
        if (cp.inbound()) {
            Setting<Long> timeout = path.fragmentTimeout(cp.ipPacket().family());
            fill(at + timeout.value() * 1_000_000_000L);
            return defragmenter.hold(cp, ahead, later -> !later.outbound() && defragmentable(later), timeout,
                    ahead.size() >= options.lookaheadFrames());
        }
        fill(at + options.lookaheadNanos());
        String iface = cp.summary().iface();
        return defragmenter.sent(cp, ahead, later -> !later.inbound() && !claimedBy.contains(later.frame())
                && (later.summary().iface().isEmpty() || later.summary().iface().equals(iface)),
                at + options.lookaheadNanos());
    }

    /**
     * A frame ahead whose fragment nf_defrag would take: not on lo or a bridge port, and not dropped by the ingress
     * chains before it (their verdict read now, as the state stands at the datagram's first fragment).
     */
    private boolean defragmentable(CapturedPacket later) {
        String iface = later.summary().iface();
        if (iface.equals("lo") || interfaces.bridgeOf(iface).isPresent()) {
            return false;
        }
        Packet fragment = received(later.ipPacket());
        return !path.walksIngress(fragment)
                || path.fragmentIngress(fragment, ChoiceOracle.FIRST, false).disposition() == Disposition.HELD_FOR_REASSEMBLY;
    }

    /** A received frame's packet as the ingress chains see it: its input device, and a tunnel's mark. */
    private Packet received(Packet packet) {
        return tunnelMark == 0 ? asIngress(packet) : asIngress(packet).withMark(tunnelMark);
    }

    /**
     * Whether the outbound fragment {@code copy} may be the refragmented datagram whose first received fragment is
     * {@code first} by its identification: ip_do_fragment keeps the IPv4 header's, ip6_fragment picks a new one for
     * the fragment header (ipv6_select_ident), so any IPv6 identification may be.
     */
    private static boolean keepsIdentification(CapturedPacket copy, CapturedPacket first) {
        return copy.ipPacket().family() == IpFamily.V6
                || copy.fragment().get().id() == first.fragment().get().id();
    }

    /**
     * The egress copy of a reassembled datagram: the first outbound first fragment ahead with its IP identification (IPv4),
     * protocol and payload start whose interface and tuple a branch predicts (or all but a source port the kernel
     * chose); otherwise the search of a whole packet's copy.
     */
    private BranchChoice chooseFragmentCopy(CapturedPacket cp, BranchEnumerator.Runs<PathRun> branches,
                                      List<String> notes) {
        long until = cp.summary().timeNanos() + options.lookaheadNanos();
        fill(until);
        Packet packet = cp.ipPacket();
        for (CapturedPacket later : ahead) {
            if (later.summary().timeNanos() > until) {
                break;
            }
            if (later.inbound() || !later.hasPacket() || later.fragment().isEmpty() || !later.fragment().get().first()
                    || claimedBy.contains(later.frame()) || later.payloadHash() != cp.payloadHash()) {
                continue;
            }
            Packet copy = later.ipPacket();
            if (copy.family() != packet.family() || copy.proto() != packet.proto()
                    || !keepsIdentification(later, reassembling.firstPart())) {
                continue;
            }
            BranchChoice found = BranchChoice.leavingAs(later, branches);
            if (found != null) {
                return found;
            }
            for (int i = 0; i < branches.size(); i++) {
                Optional<Egress> egress = branches.run(i).egress();
                if (egress.isPresent() && BranchChoice.leavesWithKernelChosenPort(egress.get(), later, branches.run(i))) {
                    String by = branches.size() > 1 ? "egress frame " + later.frame() + " on " + later.summary().iface() : "";
                    return new BranchChoice(i, by, later, copy.tuple());
                }
            }
        }
        return choose(cp, branches, notes);
    }

    /**
     * A packet received (not on a bridge port), from its flow's remembered path when it has one, else walked; the
     * frame is its own egress when it was {@code seenLeaving}.
     */
    private PacketTrace replayReceived(CapturedPacket cp, List<String> notes, Packet input, boolean seenLeaving) {
        boolean misses = options.missesFor(cp.frame());
        PathRun known = path.knownIngress(input, misses);
        if (known != null) {
            // a remembered path asks no oracle: its only branch, as the enumerator would give it
            return replay(cp, FrameRole.INGRESS, notes, new BranchEnumerator.OneRun<>(known), input,
                    seenLeaving);
        }
        path.openedBeforeCapture(input).ifPresent(notes::add);
        Packet fragment = completedBy;
        return replay(cp, FrameRole.INGRESS, notes, branches(notes, oracle -> fragment == null
                ? path.ingress(input, oracle, misses) : path.reassembledIngress(input, fragment, oracle, misses)), input,
                seenLeaving);
    }

    /**
     * A frame whose capture records no interface or no direction (a plain Ethernet pcap of one interface): the node's
     * MAC addresses tell them — a frame whose source MAC is a node interface's was sent on it, one whose destination
     * MAC is was received on it.
     */
    private CapturedPacket placeByMac(CapturedPacket cp) {
        if (!cp.summary().iface().isEmpty() && !cp.summary().dir().isEmpty()) {
            return cp;
        }
        Optional<String> sender = path.interfaceWithMac(cp.linkSrcMac());
        Optional<String> receiver = sender.isPresent() ? Optional.empty() : path.interfaceWithMac(cp.linkDstMac());
        if (sender.isEmpty() && receiver.isEmpty()) {
            return placeByRoute(cp);
        }
        boolean out = sender.isPresent();
        String iface = cp.summary().iface().isEmpty() ? sender.or(() -> receiver).get() : cp.summary().iface();
        String dir = cp.summary().dir().isEmpty() ? (out ? "out" : "in") : cp.summary().dir();
        return cp.placedOn(iface, dir);
    }


    /**
     * A frame whose capture gives its direction but names no interface (Linux cooked v1, written by tcpdump before 4.99
     * for {@code -i any}), whose MAC addresses name none either (pods' veths share one MAC on Calico): the device of the
     * route back to its source when received, of the route to its destination when sent, noted in the trace.
     */
    private CapturedPacket placeByRoute(CapturedPacket cp) {
        String dir = cp.summary().dir();
        if (!cp.summary().iface().isEmpty() || dir.isEmpty()) {
            return cp;
        }
        boolean in = dir.equals("in");
        Optional<String> dev = path.deviceOf(cp.ipPacket(), in);
        if (dev.isEmpty()) {
            return cp;
        }
        placedByRoute = in ? PLACED_BY_ROUTE_IN : PLACED_BY_ROUTE_OUT;
        return cp.placedOn(dev.get(), dir);
    }

    /** The note of the frame {@link #placeByRoute} last placed, taken by the frame's replay; null when none. */
    private String placedByRoute;
    static final String PLACED_BY_ROUTE_IN = "the capture names no interface (Linux cooked v1: tcpdump before 4.99):"
            + " taken as received on the device of the route back to its source";
    static final String PLACED_BY_ROUTE_OUT = "the capture names no interface (Linux cooked v1: tcpdump before 4.99):"
            + " taken as sent on the device of the route to its destination";

    /**
     * Every branch of one packet's path ({@code runner} asked once per branch, side-effect free), noting in
     * {@code notes} when the branch limit cut them short.
     */
    private BranchEnumerator.Runs<PathRun> branches(List<String> notes,
            java.util.function.Function<ChoiceOracle, PathRun> runner) {
        BranchEnumerator.Runs<PathRun> runs = BranchEnumerator.enumerate(runner, options.maxBranches());
        if (runs.truncated()) {
            notes.add("more than " + options.maxBranches() + " branches; only the first " + options.maxBranches()
                    + " were followed");
        }
        return runs;
    }

    /**
     * A frame seen leaving whose copy that arrived the capture lacks, replayed as that packet; null when nothing tells
     * how it arrived. A forwarded packet ({@code NOT_REPLAYED} by its role) from its connection, the bundle's
     * {@code conntrack -L}, its DNAT rule or unchanged ({@link NodePath#arrivalsOf}); a packet {@code role} takes as sent
     * by the node when its connection came from elsewhere: a node address as source that masquerade or the undoing of
     * a DNAT gave it ({@link NodePath#forwardedArrivalOf}), or a reset from another address that answers a connection
     * conntrack holds (the peer's; a REJECT's reset answers a packet that opens none), or an ICMP error from another
     * host that the node does not owe ({@link NodePath#errorArrivalOf}) and whose arrival the capture would not hold
     * (one that holds the device it would have come in by, and shows no such error there, shows the node made it).
     */
    private PacketTrace rebuiltArrival(CapturedPacket cp, Packet packet, FrameRole role) {
        if (!cp.outbound() || cp.summary().iface().equals("lo")) {
            return null;
        }
        List<Arrival> arrivals = role == FrameRole.NOT_REPLAYED ? path.arrivalsOf(packet)
                : packet.isIcmpError() ? path.errorArrivalOf(packet)
                        .filter(a -> !interfaces.seen(a.packet().inIface())).stream().toList()
                : path.isLocal(packet.src()) ? path.forwardedArrivalOf(packet).stream().toList()
                : path.arrivalsOf(packet).stream().filter(a -> a.basis() == Arrival.Basis.CONNECTION).toList();
        for (Arrival arrived : arrivals) {
            PacketTrace rebuilt = replaySeenLeaving(cp, arrived);
            if (rebuilt != null) {
                return rebuilt;
            }
        }
        return null;
    }

    /**
     * A forwarded packet seen only leaving, replayed as the packet that {@code arrived} (from {@link NodePath#arrivalsOf})
     * on an interface the capture lacks; the frame itself is where it left. Null, with nothing committed, when its
     * addresses were {@link Arrival.Basis#guessed guessed} and no branch of its replay leaves as the frame: the node's
     * rules would have sent it elsewhere or changed it otherwise, so it did not arrive so.
     */
    private PacketTrace replaySeenLeaving(CapturedPacket cp, Arrival arrived) {
        Packet input = asIngress(arrived.packet());
        List<String> rebuilt = new ArrayList<>(2);
        // the same words for every packet that arrived so (the NAT and the path show its addresses), so the summary
        // gathers them by interface and basis instead of listing each connection
        rebuilt.add("seen only leaving on " + cp.summary().iface() + ": replayed as the packet that arrived on "
                + input.inIface() + ", which the capture does not hold (" + arrived.basis().why()
                + (arrived.candidates() > 1 ? ", the first of the " + arrived.candidates()
                        + " the rules give whose replay leaves as this frame" : "")
                + "; its device from the route back to its source)");
        if (!arrived.basis().guessed()) {
            return replayReceived(cp, rebuilt, input, true);
        }
        boolean misses = options.missesFor(cp.frame());
        BranchEnumerator.Runs<PathRun> runs = branches(rebuilt, oracle -> path.ingress(input, oracle, misses));
        return BranchChoice.leavingAsSelf(cp, runs) != null ? replay(cp, FrameRole.INGRESS, rebuilt, runs, input, true) : null;
    }

    /** A redirect a forwarded frame's replay sent out (not dropped by nf_nat), until a captured frame is tied to it. */
    private record SentRedirect(long frame, long timeNanos, io.pktpath.core.trace.IcmpRedirect redirect) {
    }

    /** How long after its cause a captured redirect is looked for: the kernel sends it before the FORWARD hook. */
    private static final long REDIRECT_WINDOW_NANOS = 1_000_000_000L;
    private final java.util.ArrayDeque<SentRedirect> sentRedirects = new java.util.ArrayDeque<>();

    /**
     * The frame whose replay sent the ICMP redirect {@code sent} (a locally sent ICMP type 5 frame): the earliest
     * untied redirect to the same destination, from the same source, out the same device, with the same length, sent
     * within {@link #REDIRECT_WINDOW_NANOS} before; older ones are forgotten.
     */
    private Optional<Long> causeOf(Packet sent, String iface, long time) {
        sentRedirects.removeIf(r -> time - r.timeNanos() > REDIRECT_WINDOW_NANOS);
        for (java.util.Iterator<SentRedirect> it = sentRedirects.iterator(); it.hasNext(); ) {
            SentRedirect r = it.next();
            if (r.redirect().destination().equals(sent.dst()) && r.redirect().source().equals(sent.src())
                    && r.redirect().outIface().equals(iface) && r.redirect().length() == sent.length()) {
                it.remove();
                return Optional.of(r.frame());
            }
        }
        return Optional.empty();
    }

    /**
     * Picks the branch the capture shows among {@code branches} (the one leaving as this frame when it was
     * {@code seenLeaving}), commits it and builds the trace.
     */
    private PacketTrace replay(CapturedPacket cp, FrameRole role, List<String> notes,
                               BranchEnumerator.Runs<PathRun> branches, Packet input, boolean seenLeaving) {
        BranchChoice choice = role == FrameRole.LOCAL_OUT || seenLeaving ? BranchChoice.bySelf(cp, branches)
                : reassembling != null ? chooseFragmentCopy(cp, branches, notes) : choose(cp, branches, notes);
        PathRun chosen = branches.run(choice.index());
        PathRun chosenRun = choice.observed() == null ? chosen : path.observed(chosen, choice.observed(),
                choice.egress() == null ? "the bundle's conntrack -L" : "the capture");
        if (choice.lostTo() > 0) {
            chosenRun = path.lostRace(chosenRun, choice.lostTo());
        } else if (role != FrameRole.LOCAL_OUT && !seenLeaving && choice.egressFrame() == 0 && chosenRun.egress().isPresent()
                && interfaces.seen(chosenRun.egress().get().dev())) {
            chosenRun = path.neverLeft(chosenRun);
        }
        CommitOutcome committed = path.commit(chosenRun, input);
        if (!committed.notes().isEmpty()) {
            notes.addAll(committed.notes());
        }
        List<Alternative> alternatives = branches.size() > 1 ? new ArrayList<>(branches.size()) : List.of();
        if (branches.size() > 1) {
            for (BranchEnumerator.Branch<PathRun> b : branches.branches()) {
                PathRun r = b.result();
                alternatives.add(new Alternative(b.labelText(), b.probability(), r.steps(), r.nat(), r.disposition(), r.reasonText()));
            }
        }
        PathRun run = chosenRun;
        tunnels.ran(cp, choice.egress(), run.mark());
        if (!run.notes().isEmpty()) {
            notes.addAll(run.notes());
        }
        List<Long> correlated = List.of();
        if (choice.egressFrame() > 0) {
            correlated = OneFrame.of(choice.egressFrame());
            CapturedPacket egress = choice.egress();
            if (interfaces.isBridge(egress.summary().iface())) {
                // port copies of a bridge's egress frame may lie further ahead than the egress frame itself
                fill(cp.summary().timeNanos() + options.lookaheadNanos());
                correlated = withPortCopies(choice.egressFrame(), portCopiesOf(egress, input));
            } else if (!input.physIn().isEmpty() && run.nat().isPresent() && interfaces.bridgeOf(
                    egress.summary().iface()).filter(input.inIface()::equals).isPresent()) {
                correlated = withPortCopies(choice.egressFrame(), bridgedDnatTransmit(cp, input, run.nat().get().after(),
                        egress));
            }
        } else if (role == FrameRole.LOCAL_OUT && cp.hasPacket() && interfaces.isBridge(cp.summary().iface())) {
            fill(cp.summary().timeNanos() + options.lookaheadNanos());
            correlated = portCopiesOf(cp, cp.ipPacket());
        } else if (run.disposition() == Disposition.BRIDGE_HAIRPIN_OFF && run.nat().isPresent()) {
            correlated = hairpinTransmit(cp, input, run.nat().get().after());
        }
        Optional<Reassembled> whole = Optional.empty();
        if (reassembling != null) {
            correlated = fragmentCopies(cp, choice, correlated);
            whole = Optional.of(Defragmenter.reassembled(reassembling, cp, reassembling.frames()));
        }
        if (run.redirect().filter(r -> !r.dropped()).isPresent()) {
            sentRedirects.add(new SentRedirect(cp.frame(), cp.summary().timeNanos(), run.redirect().get()));
        } else if (role == FrameRole.LOCAL_OUT && input.proto() == Packet.ICMP && input.icmpType() == 5) {
            causeOf(input, cp.summary().iface(), cp.summary().timeNanos()).ifPresent(f -> notes.add("the ICMP redirect the node sent for frame "
                    + f + ", which it forwarded out of the device it came in on (ip_forward)"));
        }
        PacketTrace trace = new PacketTrace(cp.summary(), role, decided(run.steps(), choice.decidedBy()),
                committed.disposition().orElse(run.disposition()),
                committed.disposition().isPresent() ? DeferredText.of(committed.reason()) : run.reasonText(), run.nat(), run.route(),
                correlated, alternatives, run.misses(), notes.isEmpty() ? List.of() : dedupe(notes), run.flowId(), whole,
                Optional.empty(), run.redirect());
        if (correlated instanceof OneFrame one) {
            claimedBy.put(one.frame(), trace);
        } else {
            for (int i = 0; i < correlated.size(); i++) {
                claimedBy.put(correlated.get(i), trace);
            }
        }
        return trace;
    }

    /**
     * The copies of the reassembled datagram {@code cp} replays: the other fragments it was sent as when the node sent
     * it (replayed at its first fragment), else its egress copy's fragments from the first one the choice found.
     */
    private List<Long> fragmentCopies(CapturedPacket cp, BranchChoice choice, List<Long> correlated) {
        if (reassembling.replayedAt() == reassembling.parts().get(0).frame() && !cp.inbound()) {
            List<Long> frames = reassembling.frames();
            return frames.subList(1, frames.size());
        }
        if (choice.egress() == null || choice.egress().fragment().isEmpty()) {
            return correlated;
        }
        return Defragmenter.copiesFrom(choice.egress(), ahead, later -> !later.inbound()
                && !claimedBy.contains(later.frame()), cp.summary().timeNanos() + options.lookaheadNanos());
    }

    /**
     * A packet the node sends on a bridge ({@code cp} on the bridge device), with the port it leaves by as its output
     * port ({@code physOut}), which the bridge's output and postrouting chains name: the port of its copy in the capture,
     * else (a bridge chain dropped it) the port its destination was last received on; unchanged elsewhere or when
     * neither is known.
     */
    private Packet sentPort(CapturedPacket cp, Packet sent, List<String> notes) {
        String bridge = cp.summary().iface();
        if (!path.isBridge(bridge)) {
            return sent;
        }
        fill(cp.summary().timeNanos() + options.lookaheadNanos());
        List<Long> copies = portCopiesOf(cp, sent);
        if (copies.size() == 1) {
            for (CapturedPacket later : ahead) {
                if (later.frame() == copies.get(0)) {
                    return sent.withBridgePorts("", later.summary().iface(), false);
                }
            }
        }
        String learned = learnedPorts.get(bridge + " " + sent.dst());
        if (copies.isEmpty() && learned != null) {
            notes.add("the capture shows no copy leaving a port of " + bridge + "; " + sent.dst() + " was last received"
                    + " on port " + learned + ", where the bridge's forwarding database sends it");
            return sent.withBridgePorts("", learned, false);
        }
        return sent;
    }

    /**
     * A frame received on a bridge port: if the bridge hands the same packet to IP (it appears again on the bridge), the
     * port copy is only evidence and the bridge copy is replayed with the port as {@code physdev}; otherwise the frame
     * was bridged to another port and goes through iptables only with br_netfilter on.
     */
    private PacketTrace bridgePort(CapturedPacket cp, Packet packet, String bridge, List<String> notes) {
        String port = cp.summary().iface();
        fill(cp.summary().timeNanos() + options.lookaheadNanos());
        Tuple tuple = packet.tuple();
        String learned = learnedPorts.get(bridge + " " + packet.dst());
        learnedPorts.put(bridge + " " + packet.src(), port);
        path.learnPort(bridge, packet.src(), port);
        if (floods(packet) && path.bridgeNetfilter(packet.family())) {
            PacketTrace flooded = flooded(cp, packet, bridge, notes);
            if (flooded != null) {
                return flooded;
            }
        }
        String outPort = "";
        CapturedPacket natTwin = null;
        for (CapturedPacket later : ahead) {
            if (later.summary().timeNanos() - cp.summary().timeNanos() > options.lookaheadNanos()) {
                break;
            }
            if (!later.hasPacket() || claimedBy.contains(later.frame()) || !sameIdentity(packet, later.ipPacket())
                    || later.payloadHash() != cp.payloadHash()) {
                continue;
            }
            if (!later.ipPacket().hasTuple(tuple)) {
                if (natTwin == null && later.inbound() && later.summary().iface().equals(bridge)) {
                    natTwin = later;
                }
                continue;
            }
            String where = later.summary().iface();
            if (later.inbound() && where.equals(bridge)) {
                bridgedFrom.put(later.frame(), port);
                return new PacketTrace(cp.summary(), FrameRole.NOT_REPLAYED, List.of(), Disposition.NOT_REPLAYABLE,
                        "received on bridge port " + port + "; the same packet is frame " + later.frame() + " on " + bridge
                                + ", where the IP stack sees it", Optional.empty(), Optional.empty(), List.of(later.frame()),
                        List.of(), List.of(), List.of(), 0);
            }
            if (later.outbound() && outPort.isEmpty() && interfaces.bridgeOf(where).filter(bridge::equals).isPresent()) {
                outPort = where;
            }
        }
        if (outPort.isEmpty() && !path.staysOnBridge(packet, bridge)) {
            // sent to the gateway's MAC, the bridge's: its IP stack received it, on the bridge, whose copy the capture
            // lacks
            if (natTwin != null && path.bridgeNetfilter(packet.family())) {
                // br_netfilter ran PREROUTING on the bridge port, whose NAT (a reply's un-masquerade, a DNAT) rewrote the
                // packet before the bridge handed it to IP: the bridge's copy carries the rewritten header
                notes.add("received on bridge port " + port + " for " + packet.dst() + "; br_netfilter ran PREROUTING"
                        + " there, so the IP stack's copy on " + bridge + " (frame " + natTwin.frame() + ") already"
                        + " carries its NAT");
                PacketTrace trace = replayReceived(cp, notes, asIngress(packet).withInIface(bridge)
                        .withBridgePorts(port, "", false), false);
                claimedBy.put(natTwin.frame(), trace);
                return trace;
            }
            notes.add("received on bridge port " + port + " for " + packet.dst() + ", beyond the bridge's segment: the"
                    + " IP stack received it on " + bridge + ", which the capture does not hold");
            return replayReceived(cp, notes, asIngress(packet).withInIface(bridge).withBridgePorts(port, "", false),
                    false);
        }
        if (!path.bridgeNetfilter(packet.family())) {
            return notReplayed(cp, Disposition.NOT_REPLAYABLE, "bridged on " + bridge + " from port " + port
                    + (outPort.isEmpty() ? "" : " to port " + outPort) + "; bridge-nf-call-"
                    + (packet.family() == IpFamily.V4 ? "iptables" : "ip6tables")
                    + " is 0, so netfilter never sees bridged frames");
        }
        if (outPort.isEmpty() && learned != null && !learned.equals(port)) {
            outPort = learned;
            notes.add("the capture shows no copy leaving a port of " + bridge + "; " + packet.dst() + " was last received"
                    + " on port " + learned + ", where the bridge's forwarding database sends it");
        }
        Packet input = asIngress(packet).withInIface(bridge).withBridgePorts(port, outPort, true);
        return replay(cp, FrameRole.INGRESS, notes, branches(notes, oracle -> path.bridged(input, oracle,
                options.missesFor(cp.frame()))), input, false);
    }

    /** Whether a bridge floods a frame carrying {@code packet}: a multicast group's, or the limited broadcast's. */
    private static boolean floods(Packet packet) {
        IpAddress dst = packet.dst();
        return dst.isMulticast() || dst.isV4() && dst.v4Bits() == -1;
    }

    /**
     * A multicast (or broadcast) received on bridge port {@code cp} with br_netfilter on, replayed as the kernel runs it
     * ({@link NodePath#flooded}): the copies the bridge flooded to its ports are the frames ahead leaving on them (one
     * per port, up to the next time the port receives the same packet), the copy it handed to its own IP stack the
     * frame ahead received on the bridge (taken as handed when the capture does not hold the bridge); this frame, what
     * br_nf_pre_routing saw, replays them all and claims those frames. Null when a capture holding the bridge shows
     * neither.
     */
    private PacketTrace flooded(CapturedPacket cp, Packet packet, String bridge, List<String> notes) {
        String port = cp.summary().iface();
        Tuple tuple = packet.tuple();
        List<FloodCopy> copies = new ArrayList<>();
        Set<String> ports = new HashSet<>();
        CapturedPacket local = null;
        for (CapturedPacket later : ahead) {
            if (later.summary().timeNanos() - cp.summary().timeNanos() > options.lookaheadNanos()) {
                break;
            }
            if (later.frame() <= cp.frame() || !later.hasPacket() || claimedBy.contains(later.frame())
                    || !sameIdentity(packet, later.ipPacket()) || later.payloadHash() != cp.payloadHash()
                    || !later.ipPacket().hasTuple(tuple)) {
                continue;
            }
            String where = later.summary().iface();
            if (later.inbound() && where.equals(port)) {
                break; // the same packet sent again: its copies are its own
            }
            if (later.inbound() && where.equals(bridge) && local == null) {
                local = later;
            } else if (later.outbound() && interfaces.bridgeOf(where).filter(bridge::equals).isPresent()
                    && ports.add(where)) {
                copies.add(new FloodCopy(where, later.frame()));
            }
        }
        // the bridge hands every multicast to its own IP stack too (br_handle_frame_finish's local_rcv): a capture
        // holding the bridge shows that copy, one without it cannot
        boolean toStack = local != null || !interfaces.seen(bridge);
        if (!toStack && copies.isEmpty()) {
            return null;
        }
        Packet input = asIngress(packet).withInIface(bridge).withBridgePorts(port, "", false);
        boolean misses = options.missesFor(cp.frame());
        PacketTrace trace = replay(cp, FrameRole.INGRESS, notes, branches(notes, oracle -> path.flooded(input, copies,
                toStack, oracle, misses)), input, false);
        List<Long> correlated = new ArrayList<>(trace.correlated());
        for (FloodCopy c : copies) {
            if (!correlated.contains(c.frame())) {
                correlated.add(c.frame());
            }
        }
        if (local != null && !correlated.contains(local.frame())) {
            correlated.add(local.frame());
            copyReasons.put(local.frame(), "the copy of the packet of frame " + cp.frame() + " that " + bridge
                    + " handed to its own IP stack (br_pass_frame_up): INPUT in frame " + cp.frame() + "'s path, with no"
                    + " second PREROUTING");
        }
        correlated.sort(null);
        PacketTrace withCopies = new PacketTrace(trace.packet(), trace.role(), trace.path(), trace.disposition(),
                trace.reasonText(), trace.nat(), trace.route(), correlated, trace.alternatives(), trace.misses(),
                trace.notes(), trace.flowId(), trace.reassembled(), trace.tunnel());
        for (long frame : correlated) {
            claimedBy.put(frame, withCopies);
        }
        for (int i = 0; i < copies.size(); i++) {
            FloodCopy c = copies.get(i);
            floodCopies.add(c.frame());
            copyReasons.put(c.frame(), "the copy of the packet of frame " + cp.frame() + " that " + bridge
                    + " flooded to port " + c.port() + (c.port().equals(port) ? " (hairpin)" : "")
                    + ", leaving after FORWARD pass " + (i + 1) + " of " + copies.size() + " in frame " + cp.frame()
                    + "'s path");
        }
        return withCopies;
    }

    /**
     * The frame ahead, sent on the bridge {@code input} came in on, that is its packet after the DNAT to {@code after}
     * which the bridge then dropped at its ingress port (hairpin mode off): br_netfilter's bridged DNAT
     * (br_nf_pre_routing_finish_bridge) takes the fast path straight back to the bridge's forwarding only when the new
     * destination's neighbour entry is connected (REACHABLE, PERMANENT, NOARP); otherwise it hands the packet to the
     * neighbour's output on the bridge device, where the capture sees it leave, and the device's transmit (br_dev_xmit)
     * gives it back to the bridge as received on its port. Empty when the capture holds no such frame; the frame's
     * sentence, written here, is kept for it.
     */
    private List<Long> hairpinTransmit(CapturedPacket cp, Packet input, Tuple after) {
        String bridge = input.inIface();
        CapturedPacket later = neighbourOutput(cp, input, after, Long.MAX_VALUE);
        if (later != null) {
            IpAddress to = later.ipPacket().dst();
            String state = path.neighborState(to, bridge).map(st -> "; the bundle's ip neigh, taken after the"
                    + " traffic, shows " + st).orElse("");
            copyReasons.put(later.frame(), "the packet of frame " + cp.frame() + " after its DNAT to " + to
                    + ", sent on " + bridge + " by br_netfilter's bridged DNAT: the neighbour entry of " + to
                    + " was not connected (REACHABLE, PERMANENT or NOARP" + state + "), so br_netfilter passed the packet"
                    + " to the neighbour's output on " + bridge + " (br_nf_pre_routing_finish_bridge), whose transmit"
                    + " gave it back to the bridge as received on " + input.physIn() + " (br_dev_xmit); the bridge"
                    + " dropped it there, not sending it back out of " + input.physIn() + " without hairpin mode: it"
                    + " never left on a port");
            return List.of(later.frame());
        }
        return List.of();
    }

    /**
     * The frame sent on the bridge {@code input} came in on that is its packet between PREROUTING and FORWARD, when
     * br_netfilter's bridged DNAT handed it to the neighbour's output on the bridge device (the new destination's entry
     * not connected, br_nf_pre_routing_finish_bridge) before the bridge forwarded it to {@code egress}, a port: the
     * header PREROUTING left (the destination of {@code after}, the source it came with), POSTROUTING's source NAT not
     * yet applied. Empty when the capture holds no such frame.
     */
    private List<Long> bridgedDnatTransmit(CapturedPacket cp, Packet input, Tuple after, CapturedPacket egress) {
        Tuple tuple = input.tuple();
        Tuple prerouted = new Tuple(tuple.protocol(), tuple.src(), tuple.sport(), after.dst(), after.dport());
        if (prerouted.equals(tuple)) {
            return List.of();
        }
        CapturedPacket later = neighbourOutput(cp, input, prerouted, egress.frame());
        if (later == null) {
            return List.of();
        }
        IpAddress to = after.dst();
        String bridge = input.inIface();
        String state = path.neighborState(to, bridge).map(st -> "; the bundle's ip neigh, taken after the traffic, shows "
                + st).orElse("");
        copyReasons.put(later.frame(), "the packet of frame " + cp.frame() + " after PREROUTING's NAT to " + to
                + ", sent on " + bridge + " by br_netfilter's bridged DNAT: the neighbour entry of " + to + " was not"
                + " connected (REACHABLE, PERMANENT or NOARP" + state + "), so br_netfilter passed the packet to the neighbour's output"
                + " on " + bridge + " (br_nf_pre_routing_finish_bridge), whose transmit gave it back to the bridge"
                + " (br_dev_xmit), which forwarded it to " + egress.summary().iface() + " through FORWARD and POSTROUTING:"
                + " frame " + egress.frame() + " is the packet leaving");
        return List.of(later.frame());
    }

    /**
     * The first unclaimed frame after {@code cp} and before frame {@code before}, within the lookahead, that leaves on
     * the bridge {@code input} came in on as {@code input}'s packet with {@code tuple}; null when there is none.
     */
    private CapturedPacket neighbourOutput(CapturedPacket cp, Packet input, Tuple tuple, long before) {
        String bridge = input.inIface();
        long until = cp.summary().timeNanos() + options.lookaheadNanos();
        fill(until);
        for (CapturedPacket later : ahead) {
            if (later.summary().timeNanos() > until || later.frame() >= before) {
                break;
            }
            if (later.frame() > cp.frame() && later.outbound() && unclaimedCopyOf(later, cp, input)
                    && later.summary().iface().equals(bridge) && later.ipPacket().hasTuple(tuple)) {
                return later;
            }
        }
        return null;
    }

    /** The egress frame followed by its port copies (as one list). */
    private static List<Long> withPortCopies(long egressFrame, List<Long> portCopies) {
        if (portCopies.isEmpty()) {
            return List.of(egressFrame);
        }
        List<Long> all = new ArrayList<>(1 + portCopies.size());
        all.add(egressFrame);
        all.addAll(portCopies);
        return all;
    }

    /**
     * Frames ahead that are the egress copy's twin on a port of the egress bridge (a routed packet leaving a bridge): one
     * for a unicast destination, one on each port for a multicast one, which the bridge floods (br_flood, the ports'
     * multicast snooping aside).
     */
    private List<Long> portCopiesOf(CapturedPacket egress, Packet packet) {
        List<Long> copies = new ArrayList<>();
        String bridge = egress.summary().iface();
        // Performance: a port copy is a frame on a port of the egress bridge; when no frame seen so far (the lookahead
        // included) was on a port of that interface, there is nothing to look for.
        if (!interfaces.hasPortFrames(bridge)) {
            return copies;
        }
        Tuple tuple = egress.ipPacket().tuple();
        boolean flooded = tuple.dst().isMulticast();
        Set<String> ports = flooded ? new HashSet<>() : Set.of();
        for (CapturedPacket later : ahead) {
            if (later.frame() <= egress.frame() || later.inbound() || !later.hasPacket()
                    || claimedBy.contains(later.frame())) {
                continue;
            }
            if (later.summary().timeNanos() - egress.summary().timeNanos() > options.lookaheadNanos()) {
                break;
            }
            if (interfaces.bridgeOf(later.summary().iface()).filter(bridge::equals).isPresent()
                    && sameIdentity(packet, later.ipPacket()) && later.payloadHash() == egress.payloadHash()
                    && later.ipPacket().hasTuple(tuple) && (!flooded || ports.add(later.summary().iface()))) {
                copies.add(later.frame());
                if (!flooded) {
                    break;
                }
            }
        }
        return copies;
    }

    /**
     * A packet received on lo whose sending copy is not in the capture: the kernel ran it through OUTPUT and
     * POSTROUTING, then through PREROUTING and INPUT; both passes are replayed, in that order, in one trace. Of the
     * sending pass's branches (an owner match is undecidable offline) the one that leaves on lo as this frame happened.
     */
    private PacketTrace loopback(CapturedPacket cp, Packet packet, List<String> notes) {
        Packet out = asLocal(packet).withOutIface("lo");
        BranchEnumerator.Runs<PathRun> sentBranches = BranchEnumerator.enumerate(
                o -> path.localOut(out, o, options.missesFor(cp.frame())), options.maxBranches());
        PathRun sent = sentBranches.run(BranchChoice.bySelf(cp, sentBranches).index());
        path.commit(sent, out);
        Packet in = asIngress(packet);
        BranchEnumerator.Branch<PathRun> received = BranchEnumerator.enumerate(
                o -> path.looped(in, sent, o, options.missesFor(cp.frame())), options.maxBranches())
                .branches().get(0);
        CommitOutcome committed = path.commit(received.result(), in);
        notes.add("sent and received by the node over lo; the capture holds only the received copy, so both passes are shown");
        notes.addAll(sent.notes());
        notes.addAll(received.result().notes());
        notes.addAll(committed.notes());
        List<TraceStep> steps = new ArrayList<>(sent.steps());
        steps.addAll(received.result().steps());
        List<RuleMiss> misses = new ArrayList<>(sent.misses());
        misses.addAll(received.result().misses());
        PathRun r = received.result();
        return new PacketTrace(cp.summary(), FrameRole.LOCAL_OUT, steps, committed.disposition().orElse(r.disposition()),
                committed.disposition().isPresent() ? DeferredText.of(committed.reason()) : r.reasonText(), r.nat().or(() -> sent.nat()),
                r.route(), List.of(), List.of(), misses, dedupe(notes), r.flowId());
    }

    private static String identity(Packet p) {
        return p.family() + " " + p.proto() + " " + p.ipId() + " " + p.payloadLength() + " " + p.seq() + " " + p.tuple();
    }

    private void rememberLoopedOut(Packet p, long frame) {
        loopedOut.put(identity(p), frame);
        if (loopedOut.size() > 4096) {
            loopedOut.remove(loopedOut.keySet().iterator().next());
        }
    }

    private static List<String> dedupe(List<String> notes) {
        if (notes.size() <= 1) {
            return notes;
        }
        return notes.stream().distinct().toList();
    }

    private FrameRole role(CapturedPacket cp, Packet packet, List<String> notes) {
        if (cp.inbound()) {
            return FrameRole.INGRESS;
        }
        boolean local = path.isLocal(packet.src()) || cp.summary().iface().equals("lo");
        if (cp.outbound()) {
            if (local) {
                return FrameRole.LOCAL_OUT;
            }
            if (path.sentByNode(packet)) {
                notes.add("sent on " + cp.summary().iface() + " from " + packet.src() + ", not a node address: its"
                        + " connection's sender in this direction is the node, whose NAT was undone on the way out");
                return FrameRole.LOCAL_OUT;
            }
            if (path.sentByTproxiedSocket(packet)) {
                notes.add("sent on " + cp.summary().iface() + " from " + packet.src() + ", not a node address: the local"
                        + " socket TPROXY gave its connection sends from the connection's original destination");
                return FrameRole.LOCAL_OUT;
            }
            if ((packet.isTcp() && packet.hasFlag(Packet.RST)) || packet.isIcmpError()) {
                notes.add("a " + (packet.isTcp() ? "TCP reset" : "ICMP error") + " sent on " + cp.summary().iface()
                        + " from " + packet.src() + " whose incoming copy is not in the capture: taken as generated by the"
                        + " node (REJECT or a kernel error) on behalf of that address");
                return FrameRole.LOCAL_OUT;
            }
            // its reason is made when it is not replayed (most such packets are rebuilt as they arrived)
            return FrameRole.NOT_REPLAYED;
        }
        notes.add("the capture does not say the frame's direction: taken as "
                + (local ? "sent by the node (its source is a node address)" : "received"));
        return local ? FrameRole.LOCAL_OUT : FrameRole.INGRESS;
    }

    private static Packet asLocal(Packet p) {
        return new Packet(p.frame(), p.timeNanos(), p.family(), p.proto(), p.src(), p.dst(), p.sport(), p.dport(),
                p.tcpFlags(), p.seq(), p.ack(), p.payloadLength(), p.ipId(), p.length(), p.ttl(), p.icmpType(),
                p.icmpCode(), p.icmpId(), p.quoted(), p.fragment(), p.firstFragment(), p.dontFragment(), p.linkClass(),
                p.macSource(), "", p.outIface().isEmpty() ? p.inIface() : p.outIface(), "", "", false, 0, true, p.fragMaxSize());
    }

    private static Packet asIngress(Packet p) {
        if (!p.locallyGenerated() && p.outIface().isEmpty()) {
            return p;
        }
        return new Packet(p.frame(), p.timeNanos(), p.family(), p.proto(), p.src(), p.dst(), p.sport(), p.dport(),
                p.tcpFlags(), p.seq(), p.ack(), p.payloadLength(), p.ipId(), p.length(), p.ttl(), p.icmpType(),
                p.icmpCode(), p.icmpId(), p.quoted(), p.fragment(), p.firstFragment(), p.dontFragment(), p.linkClass(),
                p.macSource(), p.inIface().isEmpty() ? p.outIface() : p.inIface(), "", "", "", false, 0, false, p.fragMaxSize());
    }

    private BranchChoice choose(CapturedPacket cp, BranchEnumerator.Runs<PathRun> branches, List<String> notes) {
        boolean anyEgress = false;
        for (int i = 0; i < branches.size() && !anyEgress; i++) {
            anyEgress = branches.run(i).egress().isPresent();
        }
        if (!anyEgress) {
            return new BranchChoice(0, branches.size() > 1 ? UndecidedStep.FIRST_BRANCH + ": the packet does not leave the node" : "", null);
        }
        long until = cp.summary().timeNanos() + options.lookaheadNanos();
        Packet packet = cp.ipPacket();
        // The egress copy is nearly always among the next few frames: look at the frames already read, then read on
        // one frame at a time, so the lookahead stays short (and in the cache) instead of holding the whole window.
        CapturedPacket[] firstLookalike = lookalike;
        firstLookalike[0] = null;
        BranchChoice found = null;
        Iterable<CapturedPacket> copies = ahead.copyCandidates(packet, cp.payloadHash(), latestUpToCurrent, until);
        for (CapturedPacket later : copies == null ? ahead : copies) {
            found = examine(later, cp, packet, branches, firstLookalike);
            if (found != null) {
                break;
            }
        }
        if (found == null && copies != null && ahead.latest() > until) {
            // the scan of every frame would have stopped at the first one past the window
            found = BEYOND_WINDOW;
        }
        for (CapturedPacket later = found == null ? fillOne(until) : null; later != null; later = fillOne(until)) {
            found = examine(later, cp, packet, branches, firstLookalike);
            if (found != null) {
                break;
            }
        }
        if (found != null && found != BEYOND_WINDOW) {
            return found;
        }
        CapturedPacket sameIdentity = firstLookalike[0];
        fill(until);
        copies = ahead.copyCandidates(packet, cp.payloadHash(), latestUpToCurrent, until);
        for (CapturedPacket later : copies == null ? ahead : copies) {
            if (later.summary().timeNanos() - cp.summary().timeNanos() > options.lookaheadNanos()) {
                break;
            }
            if (!unclaimedCopyOf(later, cp, packet)) {
                continue;
            }
            for (int i = 0; i < branches.size(); i++) {
                Optional<Egress> egress = branches.run(i).egress();
                if (egress.isPresent() && BranchChoice.leavesWithKernelChosenPort(egress.get(), later, branches.run(i))) {
                    String by = branches.size() > 1 ? "egress frame " + later.frame() + " on " + later.summary().iface() : "";
                    return new BranchChoice(i, by, later, later.ipPacket().tuple());
                }
            }
        }
        Optional<Egress> first = branches.run(0).egress();
        if (first.isPresent() && branches.run(0).nat().map(n -> n.masquerade()).orElse(false)) {
            for (CapturedPacket later : ahead) {
                if (later.summary().timeNanos() - cp.summary().timeNanos() > KernelNodePath.RACE_WINDOW_NANOS) {
                    break;
                }
                if (later.outbound() && later.hasPacket() && !claimedBy.contains(later.frame())
                        && !(sameIdentity(packet, later.ipPacket()) && later.payloadHash() == cp.payloadHash())
                        && later.ipPacket().hasTuple(first.get().tuple())) {
                    return new BranchChoice(0, "", null, null, later.frame());
                }
            }
        }
        BranchChoice dumped = chooseByDump(packet, branches);
        if (dumped != null) {
            return dumped;
        }
        if (sameIdentity != null) {
            Egress predicted = branches.run(0).egress().orElse(null);
            notes.add("frame " + sameIdentity.frame() + " looks like this packet leaving on " + sameIdentity.summary().iface()
                    + " as " + sameIdentity.ipPacket().tuple() + ", but the rules in the bundle predict "
                    + (predicted == null ? "no egress" : predicted.dev() + " as " + predicted.tuple())
                    + ": the dump may be from another node or another time");
        }
        return new BranchChoice(0, branches.size() > 1 ? UndecidedStep.NO_EGRESS_COPY : "", null);
    }

    /**
     * With no egress copy to decide, the branch that leaves as the kernel's {@code conntrack -E} NEW event for this
     * packet's connection says it left, else as the bundle's {@code conntrack -L} says (its endpoint, and a source port
     * the kernel chose when it masqueraded); null when neither holds the connection or no branch leaves so.
     */
    private BranchChoice chooseByDump(Packet packet, BranchEnumerator.Runs<PathRun> branches) {
        Optional<ConntrackEventHints.Logged> logged = path.loggedLeavingOf(packet);
        if (logged.isPresent()) {
            BranchChoice c = BranchChoice.leavingAs(branches, logged.get().leftAs(), "the kernel's conntrack -E event at "
                    + logged.get().location() + ", where this connection left as " + logged.get().leftAs()
                    + " (no egress copy in the capture)");
            if (c != null) {
                return c;
            }
        }
        Optional<Tuple> leftAs = path.dumpedLeavingOf(packet);
        if (leftAs.isEmpty()) {
            return null;
        }
        return BranchChoice.leavingAs(branches, leftAs.get(), "the bundle's conntrack -L, where this connection left as "
                + leftAs.get() + " (no egress copy in the capture)");
    }

    /** What {@link #examine} says of a frame past the lookahead window: stop looking. */
    private static final BranchChoice BEYOND_WINDOW = new BranchChoice(-1, "", null);

    /**
     * One frame ahead of {@code cp} in the egress-copy search: {@link #BEYOND_WINDOW} past the window, the choice it
     * decides when a branch leaves as it, else null (remembering in {@code firstLookalike} the first unclaimed frame
     * that carries the same packet but matches no branch).
     */
    private BranchChoice examine(CapturedPacket later, CapturedPacket cp, Packet packet,
                           BranchEnumerator.Runs<PathRun> branches, CapturedPacket[] firstLookalike) {
        if (later.summary().timeNanos() - cp.summary().timeNanos() > options.lookaheadNanos()) {
            return BEYOND_WINDOW;
        }
        if (!unclaimedCopyOf(later, cp, packet)) {
            return null;
        }
        BranchChoice found = BranchChoice.leavingAs(later, branches);
        if (found == null) {
            found = bridgedLeaving(later, cp, branches);
        }
        if (found == null && firstLookalike[0] == null) {
            firstLookalike[0] = later;
        }
        return found;
    }

    /**
     * The branch that leaves by bridge {@code B} as {@code later}, a frame on a port of {@code B}, when {@code cp} came in
     * on a port of {@code B} too: with br_netfilter the bridge ran PREROUTING, and a packet whose DNAT made its route
     * {@code B} again is bridged to the new destination's port (br_nf_pre_routing_finish_bridge), never appearing on
     * {@code B} itself; null otherwise.
     */
    private BranchChoice bridgedLeaving(CapturedPacket later, CapturedPacket cp,
                                        BranchEnumerator.Runs<PathRun> branches) {
        Optional<String> bridge = interfaces.bridgeOf(later.summary().iface());
        if (bridge.isEmpty() || !bridge.equals(interfaces.bridgeOf(cp.summary().iface()))) {
            return null;
        }
        for (int i = 0; i < branches.size(); i++) {
            Optional<Egress> egress = branches.run(i).egress();
            if (egress.isPresent() && egress.get().dev().equals(bridge.get())
                    && later.ipPacket().hasTuple(egress.get().tuple())) {
                return new BranchChoice(i, branches.size() > 1 ? "egress frame " + later.frame() + " on "
                        + later.summary().iface() + ", a port of " + bridge.get() : "", later);
            }
        }
        return null;
    }

    /** An outgoing frame no other trace claimed yet that carries the same packet as {@code cp} (identity and payload). */
    private boolean unclaimedCopyOf(CapturedPacket later, CapturedPacket cp, Packet packet) {
        return !later.inbound() && later.hasPacket() && !claimedBy.contains(later.frame())
                && sameIdentity(packet, later.ipPacket()) && later.payloadHash() == cp.payloadHash();
    }

    /** The same packet at another interface: same family and protocol, same IPv4 id, same L4 payload and sequence. */
    static boolean sameIdentity(Packet a, Packet b) {
        if (a.family() != b.family() || a.proto() != b.proto() || a.payloadLength() != b.payloadLength()) {
            return false;
        }
        if (a.family() == IpFamily.V4 && a.ipId() != b.ipId()) {
            return false;
        }
        if (a.isTcp()) {
            return a.seq() == b.seq() && a.tcpFlags() == b.tcpFlags();
        }
        if (a.isIcmp()) {
            return a.icmpType() == b.icmpType() && a.icmpCode() == b.icmpCode();
        }
        return a.family() == IpFamily.V4 || a.length() == b.length();
    }

    private void fill(long untilNanos) {
        while (fillOne(untilNanos) != null) {
            // read on until the window or the frame limit is reached
        }
    }

    /** Reads one more frame into the lookahead, or returns null when the window or frame limit is reached (or the end). */
    private CapturedPacket fillOne(long untilNanos) {
        if (ahead.size() >= options.lookaheadFrames()
                || !ahead.isEmpty() && ahead.peekLast().summary().timeNanos() > untilNanos) {
            return null;
        }
        CapturedPacket next = source.next();
        if (next == null) {
            return null;
        }
        ahead.noteRead(next);
        ahead.add(next);
        interfaces.note(next.summary().iface());
        return next;
    }

    private static List<TraceStep> decided(List<TraceStep> steps, String decidedBy) {
        if (decidedBy.isEmpty()) {
            return steps;
        }
        List<TraceStep> out = new ArrayList<>(steps.size());
        for (TraceStep s : steps) {
            out.add(s instanceof UndecidedStep u ? new UndecidedStep(u.hook(), u.rule(), u.reason(), decidedBy) : s);
        }
        return out;
    }

    /**
     * Ties a tunnel frame to the frame of the packet it carries, and a decapsulated frame to its tunnel frame (the tie of
     * the frame being replayed goes to {@link #tie}); remembers frames leaving on a tunnel device for the encapsulated
     * frame that follows them.
     */
    private void tieTunnel(CapturedPacket cp) {
        tie = tunnels.take(cp.frame());
        if (tie != null) {
            tunnelMark = tunnels.markOf(tie.frame());
            if (tunnelMark != 0) {
                tie = new TunnelTie(tie.tunnel(), false, tie.frame(), tie.detail()
                        + TunnelTies.keptMark(tunnelMark, "the tunnel frame's"));
            }
        }
        tunnels.sent(cp);
        if (cp.encapsulation().isEmpty()) {
            if (tie == null) {
                tie = carriedBy(cp);
            }
            return;
        }
        String tunnel = cp.encapsulation().get().describe();
        CapturedPacket inner = null;
        String detail;
        if (cp.outbound()) {
            inner = tunnels.carriedOut(cp);
            tunnelMark = inner == null ? 0 : tunnels.markOf(inner.frame());
            detail = TunnelTies.encapsulatedDetail(cp, inner) + TunnelTies.keptMark(tunnelMark, "the inner packet's");
        } else {
            long until = cp.summary().timeNanos() + options.lookaheadNanos();
            fill(until);
            inner = cp.inbound() ? TunnelTies.carriedIn(cp, ahead, until) : null;
            detail = TunnelTies.deliveredDetail(cp, inner);
            if (inner != null) {
                tunnels.keepFor(inner.frame(), new TunnelTie(tunnel, false, cp.frame(),
                        TunnelTies.decapsulatedDetail(cp, inner)));
            }
        }
        tie = new TunnelTie(tunnel, true, inner == null ? 0 : inner.frame(), detail);
    }

    /**
     * The egress copy {@code copy} of frame {@code cp}, with a note naming the tunnel frame that carried it when it left
     * on a tunnel device (remembered for that frame too).
     */
    private PacketTrace tiedCopy(CapturedPacket cp, PacketTrace copy) {
        tunnels.sent(cp);
        TunnelTie carried = carriedBy(cp);
        return carried == null ? copy : copy.withTunnel(carried);
    }

    /** The tie of a frame leaving on a tunnel device to the tunnel frame ahead that carries it; null for none. */
    private TunnelTie carriedBy(CapturedPacket cp) {
        if (!cp.outbound() || !cp.hasPacket() || !TunnelTies.tunnelDevice(cp.summary().iface())) {
            return null;
        }
        long until = cp.summary().timeNanos() + options.lookaheadNanos();
        fill(until);
        CapturedPacket outer = TunnelTies.carrierOut(cp, ahead, until);
        return outer == null ? null : new TunnelTie(outer.encapsulation().get().describe(), false, outer.frame(),
                TunnelTies.carriedByDetail(cp, outer));
    }

    /** The copy {@code cp} of {@code original}'s packet; {@code reason}: its sentence, null for the one its fields give. */
    private static PacketTrace copyOf(CapturedPacket cp, PacketTrace original, String reason) {
        boolean fragment = original.reassembled().isPresent() && cp.fragment().isPresent();
        if (!fragment) {
            // a whole packet's copy: its reason (the packet of frame N leaving on IFACE[ after NAT]) is written from
            // the trace's fields when a view asks for it (PacketTrace.reason) unless given
            return new PacketTrace(cp.summary(), FrameRole.EGRESS_COPY, List.of(), original.disposition(),
                    reason == null ? null : DeferredText.of(reason),
                    original.nat(), original.route(), OneFrame.of(original.packet().frame()), List.of(), List.of(),
                    List.of(), original.flowId(), Optional.empty());
        }
        String fragmentReason = "a fragment of the datagram of frame " + original.packet().frame() + " leaving on "
                + (cp.summary().iface().isEmpty() ? "its output interface" : cp.summary().iface())
                + (original.nat().isPresent() && original.nat().get().changed() ? " after NAT" : "")
                + ", as one of the fragments the kernel cut it into after POSTROUTING"
                + (original.reassembled().get().largestFragment() == 0 ? "" : " (at most "
                        + original.reassembled().get().largestFragment() + " bytes, the largest fragment it arrived in,"
                        + " or the device's MTU if smaller)");
        Optional<Reassembled> whole = cp.fragment().get().first()
                ? Optional.of(Defragmenter.leftAs(cp, original.reassembled().get(), original.correlated()))
                : Optional.empty();
        return new PacketTrace(cp.summary(), FrameRole.EGRESS_COPY, List.of(), original.disposition(), fragmentReason,
                original.nat(), original.route(), OneFrame.of(original.packet().frame()), List.of(), List.of(), List.of(),
                original.flowId(), whole);
    }

    /**
     * The trace of a frame without an IP packet: an ARP frame as arp_process handles it ({@link ArpReplay}), any other
     * not replayed, with the reason (kept out of {@link #processFrame}, whose IP frames never come here).
     */
    private PacketTrace withoutIp(CapturedPacket cp) {
        if (cp.arp().isPresent() && arp != null) {
            return arp.replay(cp, interfaces::bridgeOf);
        }
        return notReplayed(cp, unreplayable(cp), reasonFor(cp));
    }

    private static PacketTrace notReplayed(CapturedPacket cp, Disposition disposition, String reason) {
        return new PacketTrace(cp.summary(), FrameRole.NOT_REPLAYED, List.of(), disposition, reason, Optional.empty(),
                Optional.empty(), List.of(), List.of(), List.of(), List.of(), 0);
    }

    private static Disposition unreplayable(CapturedPacket cp) {
        return cp.status() == DecodeStatus.MALFORMED || cp.status() == DecodeStatus.TRUNCATED
                ? Disposition.MALFORMED : Disposition.NOT_REPLAYABLE;
    }

    private static String reasonFor(CapturedPacket cp) {
        return switch (cp.status()) {
            case NOT_IP -> "not an IP packet (" + cp.summary().info() + "): netfilter's IP hooks never see it";
            case UNSUPPORTED_LINKTYPE -> "link type not decoded: " + cp.statusMessage();
            case MALFORMED -> "malformed: " + cp.statusMessage();
            case TRUNCATED -> "truncated: " + cp.statusMessage();
            case OK -> "not replayable";
        };
    }
}
