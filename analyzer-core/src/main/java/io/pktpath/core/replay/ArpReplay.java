package io.pktpath.core.replay;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.packet.DecodedPacket;
import io.pktpath.core.routing.ArpDecision;
import io.pktpath.core.trace.ArpRule;
import io.pktpath.core.trace.ArpStep;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.OneFrame;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * Explains the IPv4 ARP frames of a capture as the node's ARP code (net/ipv4/arp.c) handles them, on interfaces that are
 * not bridge ports: a request received is answered or not as arp_process decides ({@link ArpDecision}) and is tied to
 * the reply the capture shows leaving on its device; a reply received updates the neighbour entry of its sender and is
 * tied to the node's request it answers; a request the node sent resolves a next hop and is tied to its answer, or
 * counted in the unanswered series for its target; a reply the node sent is tied to the request it answers. Frames on
 * bridge ports, and frames without an interface or direction, are not replayed, with the reason.
 */
final class ArpReplay {
    private static final long MIN_WINDOW_NANOS = 1_000_000_000L;
    private static final int SERIES_KEPT = 1024;
    private static final int SERIES_FRAMES = 16;
    private static final long BROADCAST_MAC = 0xffffffffffffL;

    /** A reply ahead that a received request claimed: that request's frame, and whether the model predicted a reply. */
    private record Claim(long request, ArpRule rule, boolean predicted) {
    }

    private final NodePath path;
    private final long windowNanos;
    /** Frames read ahead up to a capture time (the replay's lookahead, filled that far). */
    private final LongFunction<Iterable<CapturedPacket>> aheadUntil;
    private final Map<Long, Claim> repliesSent = new HashMap<>();
    /** The answers ahead that the node's requests claimed: answer frame to request frame. */
    private final Map<Long, Long> answersReceived = new HashMap<>();
    /** The node's unanswered requests per device and target, the latest {@value #SERIES_KEPT} targets. */
    private final Map<String, List<Long>> unanswered = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<Long>> eldest) {
            return size() > SERIES_KEPT;
        }
    };

    ArpReplay(NodePath path, long lookaheadNanos, LongFunction<Iterable<CapturedPacket>> aheadUntil) {
        this.path = path;
        this.windowNanos = Math.max(lookaheadNanos, MIN_WINDOW_NANOS);
        this.aheadUntil = aheadUntil;
    }

    /** The trace of ARP frame {@code cp} ({@link CapturedPacket#arp} present); {@code bridgeOf}: the bridge a device is a port of. */
    PacketTrace replay(CapturedPacket cp, Function<String, Optional<String>> bridgeOf) {
        DecodedPacket.Arp a = cp.arp().orElseThrow();
        List<String> placement = new ArrayList<>(1);
        CapturedPacket at = placed(cp, a, placement);
        if (at == null) {
            return notReplayed(cp, "ARP " + words(a) + ": the capture names no interface for it, on which arp_process's"
                    + " answer depends, and neither its MAC addresses nor a route to its addresses tell one");
        }
        PacketTrace trace = replayPlaced(at, a, bridgeOf.apply(at.summary().iface()));
        if (placement.isEmpty()) {
            return trace;
        }
        List<String> notes = new ArrayList<>(placement);
        notes.addAll(trace.notes());
        return new PacketTrace(trace.packet(), trace.role(), trace.path(), trace.disposition(), trace.reasonText(),
                trace.nat(), trace.route(), trace.correlated(), trace.alternatives(), trace.misses(), notes,
                trace.flowId(), trace.attachments());
    }

    /**
     * {@code cp} with the interface and direction its capture lacks (a one-interface Ethernet capture has no direction,
     * Linux cooked v1 no interface), saying how in {@code notes}: sent when its source MAC is a node interface's, else
     * received; on the interface with its MAC, else on the device of the route to the address it is about (the
     * sender's for a frame received, the target's for one sent); null when nothing places it (a probe from 0.0.0.0).
     */
    private CapturedPacket placed(CapturedPacket cp, DecodedPacket.Arp a, List<String> notes) {
        String iface = cp.summary().iface();
        String dir = cp.summary().dir();
        if (!iface.isEmpty() && !dir.isEmpty()) {
            return cp;
        }
        if (dir.isEmpty()) {
            boolean out = path.interfaceWithMac(cp.linkSrcMac()).isPresent()
                    || !iface.isEmpty() && path.interfaceWithMac(a.senderMac()).filter(iface::equals).isPresent();
            dir = out ? "out" : "in";
            notes.add("the capture gives no direction: taken as " + (out ? "sent (its source MAC is the node's)"
                    : "received (its source MAC is not the node's)"));
        }
        if (iface.isEmpty()) {
            boolean in = dir.equals("in");
            Optional<String> byMac = path.interfaceWithMac(in ? cp.linkDstMac() : cp.linkSrcMac());
            if (byMac.isPresent()) {
                iface = byMac.get();
                notes.add("the capture names no interface: taken as " + (in ? "received on" : "sent by") + " " + iface
                        + ", the interface with its " + (in ? "destination" : "source") + " MAC");
            } else {
                IpAddress about = in ? a.senderIp() : a.targetIp();
                if (about.v4Bits() == 0) {
                    return null;
                }
                Optional<String> dev = path.deviceOf(Packet.synthetic(IpFamily.V4, 0, about, 0, about, 0, "", !in), in);
                if (dev.isEmpty()) {
                    return null;
                }
                iface = dev.get();
                notes.add("the capture names no interface: taken as " + (in ? "received on" : "sent by") + " " + iface
                        + ", the device of the route to " + about);
            }
        }
        return cp.placedOn(iface, dir);
    }

    private PacketTrace replayPlaced(CapturedPacket cp, DecodedPacket.Arp a, Optional<String> bridge) {
        String dev = cp.summary().iface();
        if (bridge.isPresent()) {
            return notReplayed(cp, "ARP " + words(a) + " on " + dev + ", a port of bridge " + bridge.get()
                    + ": bridged ARP is not modeled (the bridge forwards or floods the frame by its forwarding database;"
                    + " arp_process answers only for " + bridge.get() + " itself)");
        }
        if (cp.inbound() && cp.sllPacketType() == 3) {
            return notReplayed(cp, "ARP " + words(a) + " received on " + dev + " for another host's MAC (a promiscuous"
                    + " capture): arp_rcv drops it before arp_process");
        }
        if (cp.inbound()) {
            return a.op() == 1 ? receivedRequest(cp, a, dev) : receivedReply(cp, a, dev);
        }
        return a.op() == 1 ? sentRequest(cp, a, dev) : sentReply(cp, a, dev);
    }

    private PacketTrace receivedRequest(CapturedPacket cp, DecodedPacket.Arp a, String dev) {
        Optional<ArpDecision> decided = path.arpRequest(dev, a.senderIp(), a.targetIp());
        if (decided.isEmpty()) {
            return notReplayed(cp, "ARP " + words(a) + ": the bundle has no routes or addresses to decide it");
        }
        ArpDecision d = decided.get();
        CapturedPacket reply = replyAhead(cp, dev, a);
        List<String> notes = new ArrayList<>(1);
        String reason;
        if (reply != null) {
            repliesSent.put(reply.frame(), new Claim(cp.frame(), d.rule(), d.answers()));
            reason = d.answers() ? "ARP " + d.detail() + "; the reply is frame " + reply.frame()
                    : "ARP " + d.detail() + "; yet frame " + reply.frame() + " leaves on " + dev + " answering it";
            if (!d.answers()) {
                notes.add("the model predicts no reply to this request, but the capture shows one (frame "
                        + reply.frame() + "): a sysctl, address or route the bundle does not show differs on the node");
            }
        } else if (d.answers()) {
            reason = "ARP " + d.detail() + "; but the capture shows no reply leaving on " + dev + " within "
                    + seconds(windowNanos);
            notes.add("the model predicts a reply to this request that the capture lacks"
                    + (d.rule() == ArpRule.PROXY_ARP || d.rule() == ArpRule.PROXY_ENTRY
                    ? " (a proxy reply to a broadcast request may wait up to proxy_delay, 0.8 s by default, or be"
                    + " dropped when the proxy queue is full)" : "")
                    + ", or an arptables/nft arp rule dropped it, or the capture missed it");
        } else {
            reason = "ARP " + d.detail();
        }
        List<TraceStep> steps = new ArrayList<>(d.checks().size() + 1);
        steps.addAll(d.checks());
        steps.add(d.toStep(dev, a.targetIp()));
        return new PacketTrace(cp.summary(), FrameRole.INGRESS, steps, Disposition.DELIVERED_LOCALLY, reason,
                Optional.empty(), Optional.empty(), reply == null ? List.of() : OneFrame.of(reply.frame()), List.of(),
                List.of(), notes, 0);
    }

    private PacketTrace receivedReply(CapturedPacket cp, DecodedPacket.Arp a, String dev) {
        Long request = answersReceived.remove(cp.frame());
        IpAddress s = a.senderIp();
        boolean unicast = cp.sllPacketType() == 0 || cp.sllPacketType() < 0 && cp.linkDstMac() != BROADCAST_MAC;
        String state = unicast ? "REACHABLE" : "STALE (a broadcast reply asserts no reachability)";
        String after = path.neighborEntry(s, dev).map(e -> " (ip neigh after the capture: " + e + ")").orElse("");
        String detail;
        if (request != null) {
            detail = "ARP reply " + words(a) + " received on " + dev + ": answers the node's request (frame " + request
                    + "); arp_process updates the node's neighbour entry for " + s + " on " + dev + " to " + state
                    + after;
        } else {
            detail = "ARP reply " + words(a) + " received on " + dev + ": the capture shows no request from the node"
                    + " it answers; arp_process updates the node's neighbour entry for " + s + " on " + dev
                    + " if it has one" + after + ", and makes none for an unsolicited reply unless arp_accept is set";
        }
        return new PacketTrace(cp.summary(), FrameRole.INGRESS, List.of(new ArpStep(ArpRule.REPLY_RECEIVED, true, dev,
                s, detail)), Disposition.DELIVERED_LOCALLY, detail, Optional.empty(), Optional.empty(),
                request == null ? List.of() : OneFrame.of(request), List.of(), List.of(), List.of(), 0);
    }

    private PacketTrace sentRequest(CapturedPacket cp, DecodedPacket.Arp a, String dev) {
        IpAddress t = a.targetIp();
        CapturedPacket answer = answerAhead(cp, dev, a);
        String key = dev + " " + t;
        String head = "ARP request sent by the node on " + dev + ": it resolves " + t + " (" + words(a) + ")";
        String detail;
        if (answer != null) {
            answersReceived.put(answer.frame(), cp.frame());
            unanswered.remove(key);
            detail = head + "; answered by frame " + answer.frame() + " (" + t + " is-at "
                    + PacketConverter.mac(answer.arp().get().senderMac()).orElse("?") + ")";
        } else {
            List<Long> series = unanswered.computeIfAbsent(key, k -> new ArrayList<>(3));
            if (series.size() < SERIES_FRAMES) {
                series.add(cp.frame());
            }
            String entry = path.neighborEntry(t, dev).map(e -> "; ip neigh after the capture: " + t + " " + e)
                    .orElse("");
            detail = head + "; no answer within " + seconds(windowNanos)
                    + (series.size() > 1 ? " (unanswered requests for " + t + " on " + dev + ": frames "
                    + join(series) + ")" : "") + entry;
        }
        return new PacketTrace(cp.summary(), FrameRole.LOCAL_OUT, List.of(new ArpStep(ArpRule.SOLICIT, answer != null,
                dev, t, detail)), Disposition.SENT, detail, Optional.empty(), Optional.empty(),
                answer == null ? List.of() : OneFrame.of(answer.frame()), List.of(), List.of(), List.of(), 0);
    }

    private PacketTrace sentReply(CapturedPacket cp, DecodedPacket.Arp a, String dev) {
        Claim c = repliesSent.remove(cp.frame());
        String head = "ARP reply " + words(a) + " sent by the node on " + dev;
        String detail;
        List<String> notes = List.of();
        if (c == null) {
            detail = head + ": the capture holds no request received on " + dev + " shortly before that it answers";
        } else if (c.predicted()) {
            detail = head + ": arp_process's answer (" + c.rule().code() + ") to the request of frame " + c.request();
        } else {
            detail = head + ": it answers the request of frame " + c.request() + ", which the model leaves unanswered ("
                    + c.rule().code() + ")";
            notes = List.of("a reply the model did not predict (see frame " + c.request() + ")");
        }
        return new PacketTrace(cp.summary(), FrameRole.LOCAL_OUT, List.of(new ArpStep(ArpRule.REPLY_SENT, true, dev,
                a.senderIp(), detail)), Disposition.SENT, detail, Optional.empty(), Optional.empty(),
                c == null ? List.of() : OneFrame.of(c.request()), List.of(), List.of(), notes, 0);
    }

    /** The first reply ahead leaving on {@code dev} that answers request {@code a} (is-at its target, to its sender). */
    private CapturedPacket replyAhead(CapturedPacket cp, String dev, DecodedPacket.Arp a) {
        return replyAhead(cp, dev, true, repliesSent,
                r -> r.senderIp().equals(a.targetIp()) && r.targetIp().equals(a.senderIp()));
    }

    /** The first reply ahead received on {@code dev} from the target of the node's request {@code a}. */
    private CapturedPacket answerAhead(CapturedPacket cp, String dev, DecodedPacket.Arp a) {
        return replyAhead(cp, dev, false, answersReceived, r -> r.senderIp().equals(a.targetIp()));
    }

    /**
     * The first ARP reply within the window after {@code cp}, leaving on {@code dev} ({@code leaving}) or received on
     * it, that no earlier frame has claimed and that {@code answers}; null when there is none.
     */
    private CapturedPacket replyAhead(CapturedPacket cp, String dev, boolean leaving, Map<Long, ?> claimed,
                                      java.util.function.Predicate<DecodedPacket.Arp> answers) {
        long until = cp.summary().timeNanos() + windowNanos;
        for (CapturedPacket later : aheadUntil.apply(until)) {
            if (later.summary().timeNanos() > until) {
                break;
            }
            if ((leaving ? later.outbound() : later.inbound()) && later.arp().isPresent()
                    && later.summary().iface().equals(dev) && !claimed.containsKey(later.frame())
                    && later.arp().get().op() == 2 && answers.test(later.arp().get())) {
                return later;
            }
        }
        return null;
    }

    /** {@code who-has T tell S} for a request, {@code S is-at MAC} for a reply. */
    private static String words(DecodedPacket.Arp a) {
        return a.op() == 1 ? "who-has " + a.targetIp() + " tell " + a.senderIp()
                : a.senderIp() + " is-at " + PacketConverter.mac(a.senderMac()).orElse("?");
    }

    private static String seconds(long nanos) {
        return (nanos % 1_000_000_000L == 0 ? Long.toString(nanos / 1_000_000_000L)
                : Double.toString(nanos / 1e9)) + " s";
    }

    private static String join(List<Long> frames) {
        StringBuilder sb = new StringBuilder();
        for (Long f : frames) {
            sb.append(sb.length() == 0 ? "" : ",").append(f);
        }
        return sb.toString();
    }

    private static PacketTrace notReplayed(CapturedPacket cp, String reason) {
        return new PacketTrace(cp.summary(), FrameRole.NOT_REPLAYED, List.of(), Disposition.NOT_REPLAYABLE, reason,
                Optional.empty(), Optional.empty(), List.of(), List.of(), List.of(), List.of(), 0);
    }
}
