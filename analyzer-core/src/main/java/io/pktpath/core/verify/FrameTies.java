package io.pktpath.core.verify;

import io.pktpath.core.trace.IcmpRedirect;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Ties kernel-traced packets to capture frames. A packet entering the node is tied by its first PACKET line (IN=
 * device, addresses, ports, IPv4 id, length) to an inbound frame; a locally generated packet is tied on IPv4 id, length
 * and OUT= device to an outbound frame, because the kernel's first PACKET is before NAT and the capture after it.
 * Each frame is tied at most once, earliest unused frame first. A locally generated packet no frame holds may be the
 * ICMP redirect a forwarded frame's replay sent (and nf_nat dropped before the capture point): tied to that redirect. A frame that completed (or first carried) a fragmented
 * datagram is tied by that datagram, which is what the kernel's hooks traced (its total length and first fragment's ports).
 */
final class FrameTies {
    /** How a kernel packet was tied (or why not). */
    record Tie(Optional<PacketTrace> trace, String how) {
    }

    private final List<PacketTrace> traces;
    private final boolean[] tied;
    private final Map<String, List<Integer>> byKey = new HashMap<>();
    /** Trace index by frame number. */
    private final Map<Long, Integer> byFrame = new HashMap<>();

    /** The traces whose replay sent an ICMP redirect, and which of those redirects a kernel packet was tied to. */
    private final List<PacketTrace> redirects;
    private final boolean[] redirectTied;

    private final Map<String, String> bridgeOfPort;
    /** A rerouted connection's first tied frame, by the addresses and ports the kernel traced it with before NAT. */
    private final Map<String, PacketSummary> leftAs = new HashMap<>();

    FrameTies(List<PacketTrace> traces) {
        this(traces, Map.of());
    }

    /** {@code bridgeOfPort}: interface -> the bridge it is enslaved to (bridged frames are captured on the ports). */
    FrameTies(List<PacketTrace> traces, Map<String, String> bridgeOfPort) {
        this.bridgeOfPort = Map.copyOf(bridgeOfPort);
        this.traces = List.copyOf(traces);
        this.tied = new boolean[traces.size()];
        this.redirects = this.traces.stream().filter(t -> t.redirect().isPresent()).toList();
        this.redirectTied = new boolean[redirects.size()];
        for (int i = 0; i < this.traces.size(); i++) {
            PacketSummary p = this.traces.get(i).datagram();
            byFrame.put(this.traces.get(i).packet().frame(), i);
            byKey.computeIfAbsent(key(p.iface(), p.dir(), p.ipId(), p.length()), k -> new ArrayList<>()).add(i);
            PacketSummary own = this.traces.get(i).packet();
            if (own != p && own.length() != p.length() && walkedIngressChains(this.traces.get(i))) {
                // the fragment that completed a datagram: traced as itself at the ingress chains, before nf_defrag
                byKey.computeIfAbsent(key(own.iface(), own.dir(), own.ipId(), own.length()), k -> new ArrayList<>()).add(i);
            }
        }
    }

    /** Whether a received frame's replay walked native ingress chains (a fragment walks them before nf_defrag). */
    private static boolean walkedIngressChains(PacketTrace t) {
        return t.packet().dir().equals("in") && t.path().stream().anyMatch(s -> s instanceof io.pktpath.core.trace.HookStep h
                && h.hook() == io.pktpath.core.trace.Hook.INGRESS);
    }

    private static String key(String iface, String dir, int ipId, int length) {
        return iface + '|' + dir + '|' + ipId + '|' + length;
    }

    /** The frame of one kernel packet, marking it used. */
    Tie tie(KernelPacket packet) {
        KernelPacketHeader first = packet.first();
        int id = first.intField("ID", -1);
        // an inet or netdev table's first line (family 1 or 5) shows a packet of the family its header names
        int family = KernelTraceParser.packetFamily(packet.family(), first);
        int len = ipLength(first, family);
        if (family == 10) {
            id = -1;
        }
        if (!packet.locallyGenerated()) {
            String in = first.field("IN").orElse("");
            Optional<Integer> hit = find(key(in, "in", id, len), p -> sameHeader(p, first));
            Optional<Integer> port = hit.flatMap(this::replayedOnPort);
            if (port.isPresent()) {
                return new Tie(Optional.of(traces.get(port.get())), "bridged: IN=" + in + " is the bridge; frame "
                        + traces.get(hit.get()).packet().frame() + " there is the bridge's own copy of the frame its port"
                        + " received, which PREROUTING saw and whose replay holds its path");
            }
            if (hit.isEmpty()) {
                hit = findOnBridgePort(in, id, len, first);
                if (hit.isPresent()) {
                    return new Tie(Optional.of(traces.get(hit.get())),
                            "bridged: IN=" + in + " is the bridge, the frame is on its port");
                }
            }
            return hit.map(i -> new Tie(Optional.of(traces.get(i)), "IN+SRC+DST+ID+LEN+ports"))
                    .orElseGet(() -> new Tie(Optional.empty(), "no inbound frame on " + in + " with this header"));
        }
        String out = first.field("OUT").orElse("");
        Optional<KernelPacketHeader> back = loopedBack(packet);
        if (back.isPresent()) {
            KernelPacketHeader in = back.get();
            Optional<Integer> looped = find(key("lo", "in", id, ipLength(in, family)),
                    p -> sameHeader(p, in));
            if (looped.isPresent()) {
                return new Tie(Optional.of(traces.get(looped.get())), "locally generated and looped back: tied on its"
                        + " input pass (IN=lo, SRC+DST+ID+LEN+ports) to the inbound frame on lo (the capture holds a"
                        + " looped packet once)");
            }
        }
        Optional<Integer> hit = find(key(out, "out", id, len), p -> sameHeader(p, first) || sameHeader(p, last(packet)));
        if (hit.isEmpty()) {
            hit = find(key(out, "out", id, len), p -> sameProtocol(p, first));
        }
        if (hit.isEmpty() && out.equals("lo")) {
            hit = find(key("lo", "in", id, len), p -> sameHeader(p, first) || sameHeader(p, last(packet)));
        }
        if (hit.isEmpty()) {
            // before any frame on lo: two sockets' packets can share an IP ID (docker-nftables: the node's SYN to its
            // own published port, DNATed out docker0, and the next SYN to 127.0.0.1, both ID 9344)
            hit = findAnyOutbound(id, len);
        }
        if (hit.isEmpty()) {
            Optional<Tie> rerouted = rerouted(packet, id, len);
            if (rerouted.isPresent()) {
                return rerouted.get();
            }
        }
        if (hit.isEmpty() && out.equals("lo")) {
            hit = find(key("lo", "in", id, len), p -> true);
        }
        if (hit.isPresent()) {
            return new Tie(Optional.of(traces.get(hit.get())),
                    "locally generated: tied on ID+LEN+OUT (the kernel's first PACKET is before NAT, the capture after)");
        }
        Optional<Tie> redirect = redirect(first, out, len);
        if (redirect.isPresent()) {
            return redirect.get();
        }
        String verdict = packet.steps().get(packet.steps().size() - 1).verdict();
        String why = verdict.equals("DROP") || verdict.equals("POLICY:DROP")
                ? "locally generated and dropped in " + lastChain(packet) + " before the capture point (tcpdump sees"
                        + " sent packets after POSTROUTING)"
                : "locally generated, no outbound frame on " + out + " with ID=" + id + " LEN=" + len;
        return new Tie(Optional.empty(), why);
    }

    /**
     * A locally generated packet no frame holds that is the ICMP redirect the replay of a forwarded frame sent (OUT, SRC,
     * DST and LEN as the kernel's first PACKET line shows them; xtables-monitor prints no ICMP type for it), earliest
     * unused first: tied to a trace of that redirect, with the steps it walked, in the name of the frame that caused it.
     */
    private Optional<Tie> redirect(KernelPacketHeader first, String out, int len) {
        String src = first.field("SRC").orElse("");
        String dst = first.field("DST").orElse("");
        for (int i = 0; i < redirects.size(); i++) {
            PacketTrace t = redirects.get(i);
            IcmpRedirect r = t.redirect().orElseThrow();
            if (!redirectTied[i] && r.outIface().equals(out) && r.length() == len && r.source().toString().equals(src)
                    && r.destination().toString().equals(dst)) {
                redirectTied[i] = true;
                return Optional.of(new Tie(Optional.of(redirectTrace(t, r)), "the ICMP redirect the kernel sent for"
                        + " frame " + t.packet().frame() + " (forwarded out of the device it came in on): tied on"
                        + " OUT+SRC+DST+LEN to the redirect its replay sent"));
            }
        }
        return Optional.empty();
    }

    /** The trace of the redirect frame {@code t}'s packet caused, as verify compares it (it has no frame of its own). */
    static PacketTrace redirectTrace(PacketTrace t, IcmpRedirect r) {
        PacketSummary cause = t.packet();
        PacketSummary p = new PacketSummary(cause.frame(), cause.timeNanos(), r.outIface(), "out", 4, 1,
                Optional.of(r.source()), Optional.of(r.destination()), -1, -1, -1, r.length(), 5, 1, -1,
                "ICMP redirect (host) for frame " + cause.frame() + " to gateway " + r.gateway(), -1, -1,
                Optional.empty());
        return new PacketTrace(p, io.pktpath.core.trace.FrameRole.LOCAL_OUT, r.path(),
                r.dropped() ? io.pktpath.core.trace.Disposition.NOT_REPLAYABLE : io.pktpath.core.trace.Disposition.SENT,
                r.outcome(), Optional.empty(), Optional.empty(), List.of(), List.of(), List.of(), List.of(),
                t.flowId());
    }

    /**
     * A locally generated packet nat OUTPUT DNATed and rerouted, where no IP id ties it (IPv6 has none): the kernel's first
     * PACKET line is before the DNAT, with the first route's OUT (lo for a local address), and a later line (nat
     * POSTROUTING's) shows the rerouted OUT and the new destination, which the frame carries. The connection's later
     * packets are traced in raw OUTPUT only, before NAT: they are tied to a frame on the device and with the addresses
     * and ports the connection's first tied packet left with.
     */
    private Optional<Tie> rerouted(KernelPacket packet, int id, int len) {
        KernelPacketHeader first = packet.first();
        KernelPacketHeader last = last(packet);
        String flow = flowKey(first);
        String lastOut = last.field("OUT").orElse("");
        if (last != first && !lastOut.isEmpty() && !lastOut.equals(first.field("OUT").orElse(""))) {
            Optional<Integer> hit = find(key(lastOut, "out", id, len), p -> sameHeader(p, last));
            if (hit.isPresent()) {
                PacketSummary f = traces.get(hit.get()).datagram();
                leftAs.putIfAbsent(flow, f);
                return Optional.of(new Tie(Optional.of(traces.get(hit.get())), "locally generated and rerouted after"
                        + " its DNAT: tied on the OUT, addresses and ports of its last PACKET line and LEN"));
            }
        }
        PacketSummary as = leftAs.get(flow);
        if (as == null) {
            return Optional.empty();
        }
        Optional<Integer> hit = find(key(as.iface(), "out", id, len), p -> p.src().equals(as.src())
                && p.dst().equals(as.dst()) && p.sport() == as.sport() && p.dport() == as.dport());
        return hit.map(i -> new Tie(Optional.of(traces.get(i)), "locally generated, of a connection rerouted after its"
                + " DNAT: tied on the device, addresses and ports its first packet left with, and LEN"));
    }

    /** The addresses, ports and protocol of a PACKET line, as a key. */
    private static String flowKey(KernelPacketHeader h) {
        return String.join("|", h.field("PROTO").orElse(""), h.field("SRC").orElse(""), h.field("SPORT").orElse(""),
                h.field("DST").orElse(""), h.field("DPORT").orElse(""));
    }

    /** The earliest untied frame with an index after {@code after} on which {@code test} holds, not marking it. */
    Optional<PacketTrace> peek(String iface, String dir, int ipId, int len, long afterFrame,
                               Predicate<PacketSummary> test) {
        for (int i : byKey.getOrDefault(key(iface, dir, ipId, len), List.of())) {
            PacketSummary p = traces.get(i).datagram();
            if (p.frame() > afterFrame && test.test(p)) {
                return Optional.of(traces.get(i));
            }
        }
        return Optional.empty();
    }

    /**
     * As {@link #peek}, on the ports of bridge {@code bridge}: a frame br_netfilter let through FORWARD with
     * {@code OUT=bridge} was bridged, so it leaves on a port of the bridge and never on the bridge device itself.
     */
    Optional<PacketTrace> peekOnBridgePorts(String bridge, String dir, int ipId, int len, long afterFrame,
                                            Predicate<PacketSummary> test) {
        Optional<PacketTrace> first = Optional.empty();
        for (Map.Entry<String, String> port : bridgeOfPort.entrySet()) {
            if (!port.getValue().equals(bridge)) {
                continue;
            }
            Optional<PacketTrace> found = peek(port.getKey(), dir, ipId, len, afterFrame, test);
            if (found.isPresent() && (first.isEmpty()
                    || found.get().packet().frame() < first.get().packet().frame())) {
                first = found;
            }
        }
        return first;
    }

    /** Frames never tied to a kernel packet, in frame order. */
    List<PacketTrace> untied() {
        List<PacketTrace> out = new ArrayList<>();
        for (int i = 0; i < traces.size(); i++) {
            if (!tied[i]) {
                out.add(traces.get(i));
            }
        }
        return out;
    }

    /**
     * After a DNAT in nat OUTPUT the kernel reroutes the packet, but its PACKET lines keep the OUT device of the first
     * route: the frame may be on another device.
     */
    private Optional<Integer> findAnyOutbound(int id, int len) {
        for (int i = 0; i < traces.size(); i++) {
            PacketSummary p = traces.get(i).datagram();
            if (!tied[i] && id >= 0 && p.dir().equals("out") && p.ipId() == id && p.length() == len) {
                tied[i] = true;
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    /**
     * The untied frame received on a bridge port whose replay claimed the inbound frame {@code i} on the bridge as its
     * copy (a multicast the bridge flooded and handed to its own IP stack: br_netfilter ran PREROUTING on the port, and
     * the port's frame holds the whole path), marked tied; empty for any other frame.
     */
    private Optional<Integer> replayedOnPort(int i) {
        PacketTrace copy = traces.get(i);
        if (copy.role() != io.pktpath.core.trace.FrameRole.EGRESS_COPY || copy.correlated().isEmpty()
                || !copy.packet().dir().equals("in")) {
            return Optional.empty();
        }
        Integer original = byFrame.get(copy.correlated().get(0));
        if (original == null || tied[original]) {
            return Optional.empty();
        }
        PacketSummary p = traces.get(original).packet();
        if (!p.dir().equals("in") || !copy.packet().iface().equals(bridgeOfPort.get(p.iface()))) {
            return Optional.empty();
        }
        tied[original] = true;
        return Optional.of(original);
    }

    /** With br_netfilter the kernel prints the bridge as IN=; the capture has the frame on the bridge port. */
    private Optional<Integer> findOnBridgePort(String bridge, int id, int len, KernelPacketHeader first) {
        for (int i = 0; i < traces.size(); i++) {
            PacketSummary p = traces.get(i).datagram();
            if (!tied[i] && p.dir().equals("in") && bridge.equals(bridgeOfPort.get(p.iface())) && p.ipId() == id
                    && p.length() == len && sameHeader(p, first)) {
                tied[i] = true;
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    private Optional<Integer> find(String key, Predicate<PacketSummary> test) {
        for (int i : byKey.getOrDefault(key, List.of())) {
            if (!tied[i] && test.test(traces.get(i).datagram())) {
                tied[i] = true;
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    /**
     * The IP total length of a PACKET line: its LEN for IPv4; for IPv6 xtables-monitor 1.8.9 prints the payload
     * length plus 20 (an IPv4 header's size), so the full length is LEN + 20.
     */
    static int ipLength(KernelPacketHeader h, int family) {
        int len = h.intField("LEN", -1);
        return family == 10 && len >= 0 ? len + 20 : len;
    }

    /**
     * The first PACKET line of a locally generated packet's input pass (IN=lo), when the parser joined the two passes
     * of a packet the node sent to itself.
     */
    private static Optional<KernelPacketHeader> loopedBack(KernelPacket packet) {
        for (KernelPacketHeader h : packet.headers()) {
            if (h.field("IN").equals(Optional.of("lo"))) {
                return Optional.of(h);
            }
        }
        return Optional.empty();
    }

    private static KernelPacketHeader last(KernelPacket packet) {
        return packet.headers().get(packet.headers().size() - 1);
    }

    private static String lastChain(KernelPacket packet) {
        KernelStep s = packet.steps().get(packet.steps().size() - 1);
        return s.table() + " " + s.chain();
    }

    /**
     * Addresses and ports of a frame equal those of a PACKET line (fields the line lacks are not compared), and so does
     * the protocol where the line names it ({@code PROTO=}, from an nft trace). The ports of a non-first IPv4 fragment's
     * line are payload bytes: they are not compared (the frame of the fragment that completed a datagram stands for the
     * datagram, whose ports are its first fragment's).
     */
    static boolean sameHeader(PacketSummary p, KernelPacketHeader h) {
        boolean addresses = sameProtocol(p, h) && same(h, "SRC", p.src().map(Object::toString).orElse(""))
                && same(h, "DST", p.dst().map(Object::toString).orElse(""));
        return addresses && (h.nonFirstFragment()
                || same(h, "SPORT", p.sport() < 0 ? "" : Integer.toString(p.sport()))
                && same(h, "DPORT", p.dport() < 0 ? "" : Integer.toString(p.dport())));
    }

    /**
     * The frame carries the header of the protocol the PACKET line names (a later fragment carries none), or the line
     * names none.
     */
    private static boolean sameProtocol(PacketSummary p, KernelPacketHeader h) {
        if (!same(h, "PROTO", Integer.toString(p.proto()))) {
            return false;
        }
        boolean icmp = p.proto() == 1 || p.proto() == 58;
        boolean ports = p.proto() == 6 || p.proto() == 17 || p.proto() == 132;
        return h.field("PROTO").isEmpty() || (icmp ? p.icmpType() >= 0 : !ports || p.sport() >= 0);
    }

    private static boolean same(KernelPacketHeader h, String field, String value) {
        return h.field(field).map(v -> v.equals(value)).orElse(true);
    }
}
