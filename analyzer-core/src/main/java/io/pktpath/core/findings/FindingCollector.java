package io.pktpath.core.findings;

import io.pktpath.core.conntrack.FlowRecord;
import io.pktpath.core.conntrack.RaceEvidence;
import io.pktpath.core.replay.TraceSink;
import io.pktpath.core.trace.ConntrackStep;
import io.pktpath.core.trace.NeighborStep;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.linklayer.LinkLayerTool;
import io.pktpath.parser.iproute.NetInterface;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Watches every frame's trace as the replay streams it (memory bounded by flows and causes, not frames) and, at the end,
 * turns what it saw plus the bundle, the flows and the race evidence into ordered findings.
 */
public final class FindingCollector implements TraceSink {
    private static final int MAX_IDS = 200_000;

    private final Bundle bundle;
    private final Map<String, String> bridgePorts = new HashMap<>();
    private final Set<String> overlayIfaces = new HashSet<>();
    private final Map<String, FrameSample> bridged = new LinkedHashMap<>();
    private final FailureTracker failures = new FailureTracker();
    private final TrafficTracker traffic = new TrafficTracker();
    private final RetransmitTracker retransmits = new RetransmitTracker();
    private final UdpRaceTracker udp = new UdpRaceTracker();
    private final SnatTracker snat = new SnatTracker();
    private final UndecidedBranches undecided = new UndecidedBranches();
    private final ConntrackEventFindings events;
    private final CaptureCoverage coverage = new CaptureCoverage();
    private final RefusalTracker refusals;
    private final NativeChainTracker nativeChains;
    private final IpvsTracker ipvs;
    private final LinkLayerTracker linkLayer;
    private final LegacyTracker legacy = new LegacyTracker();
    /** The flows of failed packets that found their connection's entry. */
    private final Set<Long> explainedFlows = new HashSet<>();
    /**
     * The frames of failed packets that created their entry: a flow is theirs only if it began with one of them (an
     * entry a dropped packet created is never confirmed, and its id goes to the next connection).
     */
    private final Set<Long> explainedFirstFrames = new HashSet<>();
    private final Set<String> explainedTuples = new HashSet<>();
    /**
     * The flows of an overlay's tunnel frames (the node's VXLAN/Geneve/IP-in-IP packets): their packets answer nothing
     * and are answered by nothing (each direction hashes its own source port), and their repeats are the packets they
     * carry, not racing clients.
     */
    private final Set<Long> tunnelFlows = new HashSet<>();

    public FindingCollector(Bundle bundle) {
        this.bundle = bundle;
        this.refusals = new RefusalTracker(bundle.sockets().isEmpty());
        this.nativeChains = new NativeChainTracker(bundle);
        this.ipvs = new IpvsTracker(bundle.ipvs());
        this.linkLayer = new LinkLayerTracker(bundle);
        this.events = new ConntrackEventFindings(bundle);
        var s = bundle.sysctls().bridgeNfCall("iptables");
        if (!s.assumedDefault() && s.value() == 0) {
            bridgePorts.putAll(Bridges.byPort(Bridges.of(bundle)));
        }
        for (NetInterface i : bundle.interfaces()) {
            if (i.kind().map(k -> k.equals("vxlan") || k.equals("geneve")).orElse(false) || i.name().startsWith("flannel")
                    || i.name().startsWith("vxlan")) {
                overlayIfaces.add(i.name());
            }
        }
    }

    @Override
    public void accept(PacketTrace t) {
        accept(t, t.firstConntrackStep());
    }

    /**
     * {@link #accept(PacketTrace)} given the trace's conntrack lookup ({@link PacketTrace#firstConntrackStep}), which the
     * summary reads too: the full analysis finds it once per frame for both.
     */
    public void accept(PacketTrace t, ConntrackStep ct) {
        String bridge = bridgePorts.isEmpty() ? null : bridgePorts.get(t.packet().iface());
        if (bridge != null && t.packet().family() != 0) {
            bridged.computeIfAbsent(bridge, k -> new FrameSample()).add(t.packet().frame());
        }
        // the path's neighbor step (at its end), which two trackers read, found once per frame like the conntrack lookup
        NeighborStep neighbor = t.neighborStep();
        boolean answer = bridge == null && failures.accept(t, neighbor);
        if (t.disposition().isFailure() || unresolvedNeighbor(neighbor)) {
            remember(t, ct);
        }
        boolean refusalAnswer = refusals.accept(t);
        traffic.accept(t, answer || refusalAnswer, ct);
        retransmits.accept(t);
        udp.accept(t, ct);
        snat.accept(t, ct);
        coverage.accept(t);
        undecided.accept(t);
        events.accept(t);
        nativeChains.accept(t);
        ipvs.accept(t);
        if (linkLayer.active()) {
            linkLayer.accept(t);
        }
        if (!bundle.legacy().isEmpty()) {
            legacy.accept(t);
        }
        if (t.tunnel().isPresent() && t.tunnel().get().carrier() && t.flowId() > 0 && tunnelFlows.size() < MAX_IDS) {
            tunnelFlows.add(t.flowId());
        }
    }

    /**
     * {@code races} without those between an overlay's tunnel frames: every packet of an inner flow leaves in a
     * datagram of the same tuple, sent by the tunnel driver without NAT, so a clash of two of them is resolved by
     * merging (nothing is lost) and the capture shows each of them leaving.
     */
    public List<RaceEvidence> withoutTunnels(List<RaceEvidence> races) {
        if (tunnelFlows.isEmpty()) {
            return races;
        }
        return races.stream().filter(r -> !tunnelFlows.contains(r.earlierFlow()) && !tunnelFlows.contains(r.laterFlow()))
                .toList();
    }

    private static boolean unresolvedNeighbor(NeighborStep n) {
        return n != null && !n.state().equals("REACHABLE") && !n.state().equals("PERMANENT")
                && !n.state().equals("STALE") && !n.state().equals("DELAY") && !n.state().equals("NOARP");
    }

    private void remember(PacketTrace t, ConntrackStep ct) {
        if (ct != null && ct.created()) {
            if (explainedFirstFrames.size() < MAX_IDS) {
                explainedFirstFrames.add(t.packet().frame());
            }
        } else if (t.flowId() > 0 && explainedFlows.size() < MAX_IDS) {
            explainedFlows.add(t.flowId());
        }
        if (explainedTuples.size() < MAX_IDS) {
            explainedTuples.add(Packets.tupleKey(t.packet()));
        }
    }

    private static String endpoint(String address, int port) {
        return address.contains(":") ? "[" + address + "]:" + port : address + ":" + port;
    }

    /**
     * Every finding, ordered by severity, then first frame, then code; {@code captureEndNanos} is the time of the
     * capture's latest frame.
     */
    public List<Finding> findings(List<FlowRecord> flows, List<RaceEvidence> allRaces, long captureEndNanos) {
        List<RaceEvidence> races = withoutTunnels(allRaces);
        List<Finding> out = new ArrayList<>(FailureFindings.of(failures));
        out.addAll(RaceFindings.udp(races, udp, bundle, coverage));
        List<RetransmitTracker.Segment> repeats = retransmits.repeated();
        out.addAll(SnatFindings.collisions(snat.finish(), repeats, bundle));
        out.addAll(SnatFindings.exposure(snat.exposures));
        out.addAll(TrafficFindings.icmp(traffic));
        out.addAll(TrafficFindings.hairpins(traffic));
        out.addAll(TrafficFindings.resets(traffic));
        out.addAll(RefusalFindings.of(refusals, bundle.sockets()));
        Set<String> raceClients = new HashSet<>();
        for (RaceEvidence r : races) {
            if (r.kind() == RaceEvidence.Kind.UDP_SAME_TUPLE) {
                raceClients.add(endpoint(r.earlierOriginal().src().toString(), r.earlierOriginal().sport()));
            }
        }
        out.addAll(TrafficFindings.mismatches(traffic, raceClients));
        List<RetransmitTracker.Segment> unexplained = RetransmitTracker.without(repeats, explainedTuples).stream()
                .filter(s -> !traffic.hairpinTuples.contains(s.tuple())).toList();
        out.addAll(TrafficFindings.retransmits(unexplained, overlayIfaces));
        Set<Long> quiet = new HashSet<>(explainedFlows);
        quiet.addAll(tunnelFlows);
        for (FlowRecord f : flows) {
            if (f.original().src().equals(f.reply().src()) || explainedFirstFrames.contains(f.firstFrame())
                    || raceClients.contains(endpoint(f.original().dst().toString(), f.original().dport()))
                    || coverage.answered(f.original())) {
                quiet.add(f.id());
            }
        }
        out.addAll(NodeFindings.unanswered(flows, quiet, captureEndNanos));
        out.addAll(NodeFindings.bridge(bundle, bridged));
        out.addAll(NodeFindings.conntrackTable(bundle, Counters.of(bundle)));
        out.addAll(NodeFindings.legacy(bundle, legacy));
        bundle.nftRuleset().ifPresent(r -> out.addAll(NativeChainFindings.of(nativeChains, r.file())));
        out.addAll(IpvsFindings.of(ipvs));
        out.addAll(LinkLayerFindings.of(linkLayer, bundle.linkLayer(LinkLayerTool.EBTABLES)
                        .map(rules -> notReplayed(rules, bundle.nftReplay())),
                bundle.linkLayer(LinkLayerTool.ARPTABLES)));
        out.addAll(coverage.findings(bundle));
        out.addAll(undecided.findings());
        out.addAll(events.findings(bundle, flows, races));
        return FindingOrder.sort(out);
    }

    /**
     * The ebtables chains the replay leaves out: ebtables-nft's chains whose nft listing form ({@code bridge filter
     * FORWARD}) is replayed as a bridge table's chain are taken out.
     */
    private static io.pktpath.parser.linklayer.LinkLayerRules notReplayed(io.pktpath.parser.linklayer.LinkLayerRules rules,
                                                                          io.pktpath.parser.nft.NftNativeReplay replay) {
        return new io.pktpath.parser.linklayer.LinkLayerRules(rules.tool(), rules.chains().stream()
                .filter(c -> !replay.replaysFromListing(rules, c)).toList());
    }
}
