package io.pktpath.core.analysis;

import io.pktpath.core.capture.CaptureReader;
import io.pktpath.core.capture.CaptureSummary;
import io.pktpath.core.conntrack.CtTimeouts;
import io.pktpath.core.findings.FindingCollector;
import io.pktpath.core.findings.NativeChainNotes;
import io.pktpath.core.replay.KernelNodePath;
import io.pktpath.core.replay.NodeInputs;
import io.pktpath.core.replay.PacketConverter;
import io.pktpath.core.replay.ReplayLoop;
import io.pktpath.core.replay.TraceSink;
import io.pktpath.core.routing.NetworkInputs;
import io.pktpath.core.routing.NodeNetwork;
import io.pktpath.core.trace.ConntrackStep;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.InputKind;
import io.pktpath.parser.iproute.NetInterface;
import io.pktpath.parser.linklayer.LinkLayerRules;
import io.pktpath.parser.linklayer.LinkLayerTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * The one entry point CLI and GUI call: builds the node from a loaded bundle, replays its capture through it, streams
 * each frame's trace to a sink, and returns the summary, flows, rule hits, races and assumptions. The sink, the summary
 * and the findings get the traces in frame order on a thread beside the replay's.
 */
public final class Analyzer {
    private Analyzer() {
    }

    /** Whether the bundle holds enough of a node (rules or routes) to replay packets; otherwise frames are only decoded. */
    public static boolean hasNode(Bundle bundle) {
        return bundle.rulesetV4().isPresent() || bundle.rulesetV6().isPresent() || !bundle.routesV4().isEmpty()
                || !bundle.routesV6().isEmpty();
    }

    /** The node's network (interfaces, routes, rules, neighbors, sysctls, ipsets, multicast memberships) as the routing layer models it. */
    public static NodeNetwork network(Bundle bundle) {
        List<io.pktpath.parser.iproute.Route> routes = new ArrayList<>(bundle.routesV4());
        routes.addAll(bundle.routesV6());
        return NodeNetwork.of(new NetworkInputs(bundle.interfaces(), routes,
                bundle.has(InputKind.IP_RULE) || bundle.has(InputKind.IP_RULE_JSON) || !bundle.policyRulesV4().isEmpty()
                        ? Optional.of(bundle.policyRulesV4()) : Optional.empty(),
                !bundle.policyRulesV6().isEmpty() ? Optional.of(bundle.policyRulesV6()) : Optional.empty(),
                bundle.neighbors(), bundle.sysctls(), bundle.ipsets(), bundle.sockets(), bundle.multicastGroups()));
    }

    /** The node the capture is replayed against: its network, rules, conntrack seeds and bridges, as analyze builds it. */
    public static KernelNodePath nodePath(Bundle bundle, NodeNetwork net, io.pktpath.core.replay.ReplayOptions options) {
        return new KernelNodePath(NodeInputs.of(net, bundle.rulesetV4(), bundle.rulesetV6(),
                CtTimeouts.from(bundle.sysctls())).withConntrackBefore(bundle.conntrackBefore())
                .withConntrackHints(bundle.conntrack()).withBridges(bridges(bundle))
                .withSteadyPaths(options.steadyPaths()).withNativeChains(bundle.nftReplay())
                .withConntrackEvents(bundle.conntrackEvents()).withLegacy(bundle.legacy()));
    }

    /**
     * What the summary says of a family whose rules come from {@code iptables -nvL} listings (no iptables-save): which
     * files, and which built-in chains were refused for a rule that could not be read back.
     */
    static List<String> listingAssumptions(Bundle bundle) {
        List<String> out = new ArrayList<>();
        for (io.pktpath.parser.net.IpFamily family : io.pktpath.parser.net.IpFamily.values()) {
            List<String> files = bundle.listings(family);
            if (files.isEmpty()) {
                continue;
            }
            boolean v4 = family == io.pktpath.parser.net.IpFamily.V4;
            List<String> refused = bundle.diagnostics().stream()
                    .filter(d -> d.code().equals(io.pktpath.parser.iptables.listing.ListingRuleset.REFUSED)
                            && files.contains(d.span().file()))
                    .map(d -> d.message().substring("chain ".length(), d.message().indexOf(" is not replayed"))).toList();
            out.add("the bundle has no " + (v4 ? "iptables-save (IPv4)" : "ip6tables-save (IPv6)") + ": its "
                    + (v4 ? "iptables" : "ip6tables") + " rules are replayed from the listings " + String.join(", ", files)
                    + " (" + (v4 ? "iptables" : "ip6tables") + " -nvL), each rule turned back into iptables-save's, with"
                    + " its comments" + (refused.isEmpty() ? "" : "; not replayed, their rules and policy assumed away"
                    + " (" + io.pktpath.parser.iptables.listing.ListingRuleset.REFUSED + " names the rule they reach): "
                    + String.join(", ", refused)));
        }
        return out;
    }

    /** What the summary says of iptables-legacy rules replayed beside iptables-nft's. */
    static Optional<String> legacyAssumption(Bundle bundle) {
        if (bundle.legacy().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("the iptables-legacy tables (" + java.util.stream.Stream.of(bundle.legacy().rulesetV4(),
                bundle.legacy().rulesetV6()).flatMap(Optional::stream).map(r -> r.family() == io.pktpath.parser.net.IpFamily.V4 ? "IPv4"
                : "IPv6").collect(java.util.stream.Collectors.joining(" and ")) + ") are replayed beside iptables-nft's:"
                + (bundle.legacy().legacyFirst()
                ? " at each hook and equal priority the legacy table first (the kernel runs the hook registered later"
                + " first, and which backend loaded its rules later is not in the bundle: assumed the legacy one, as on a"
                + " node whose host tools use iptables-nft from boot and a Kubernetes component iptables-legacy later;"
                + " a later iptables-nft-restore without --noflush re-creates the nft chains, which then run first:"
                + " --nft-first)"
                : " at each hook and equal priority iptables-nft's chain first, as --nft-first says (the kernel runs the"
                + " hook registered later first)")
                + ", and in the nat table the first mapping ends the walk");
    }

    /** What the summary says of the native nftables base chains: which are replayed, which are not (and so assumed away). */
    private static void nativeAssumptions(io.pktpath.parser.nft.NftRuleset r, io.pktpath.parser.nft.NftNativeReplay replay,
                                          List<String> assumptions) {
        java.util.function.Predicate<io.pktpath.parser.nft.NftHookedChain> own = h ->
                io.pktpath.parser.nft.IptablesNftTables.isIptablesOwn(h.table(), h.chain());
        List<String> replayed = replay.chains().stream().filter(c -> !c.nat() && !own.test(c.chain()))
                .map(c -> c.chain().qualifiedName()).toList();
        List<String> nat = replay.chains().stream().filter(c -> c.nat() && !own.test(c.chain()))
                .map(c -> c.chain().qualifiedName()).toList();
        List<String> skipped = r.nativeBaseChains().stream().filter(c -> !replay.replays(c))
                .map(c -> c.qualifiedName()).toList();
        iptablesFromListing(r, replay, own).ifPresent(assumptions::add);
        if (!replayed.isEmpty()) {
            assumptions.add("the native nftables filter chains of " + r.file() + " (" + String.join(", ", replayed)
                    + ") are replayed at their priorities among iptables' tables");
        }
        if (!nat.isEmpty()) {
            assumptions.add("the native nftables nat chains of " + r.file() + " (" + String.join(", ", nat)
                    + ") are replayed for a connection's first packet with iptables' nat table, in priority order"
                    + " (iptables' first at equal priority: which was registered later is not in the bundle), until"
                    + " one maps");
        }
        assumptions.addAll(equalPriorityOrder(r.file(), replay.chains()));
        if (!skipped.isEmpty()) {
            assumptions.add("the native nftables base chains of " + r.file() + " (" + String.join(", ", skipped)
                    + ") are not replayed: every verdict comes from iptables' tables alone (NFT_NATIVE_CHAINS)");
        }
    }

    /**
     * What the summary says when a family's iptables-nft tables are replayed from the nft listing (no iptables-save or
     * ip6tables-save for it): where the rules come from, what the listing lacks, which chains were refused.
     */
    private static Optional<String> iptablesFromListing(io.pktpath.parser.nft.NftRuleset r,
                                                        io.pktpath.parser.nft.NftNativeReplay replay,
                                                        java.util.function.Predicate<io.pktpath.parser.nft.NftHookedChain> own) {
        List<io.pktpath.parser.nft.NftHookedChain> chains = replay.considered().stream().filter(own).toList();
        if (chains.isEmpty()) {
            return Optional.empty();
        }
        List<String> families = replay.iptablesFromListing().stream().sorted()
                .map(f -> f == io.pktpath.parser.net.IpFamily.V4 ? "iptables-save (IPv4)" : "ip6tables-save (IPv6)")
                .toList();
        List<String> replayed = chains.stream().filter(replay::replays).map(c -> c.qualifiedName()).toList();
        List<String> refused = chains.stream().filter(c -> !replay.replays(c)).map(c -> c.qualifiedName()).toList();
        return Optional.of("the bundle has no " + String.join(" and no ", families) + ": iptables-nft's tables are"
                + " replayed from " + r.file() + " as nft lists them, each base chain at its hook and priority, nat"
                + " chains with the nat core (" + (replayed.isEmpty() ? "none" : String.join(", ", replayed)) + ");"
                + " the listing holds no rule comments, so steps name nft's chains and rule numbers"
                + (refused.isEmpty() ? "" : "; not replayed, their rules assumed away (NFT_NATIVE_CHAINS names the"
                + " rule, e.g. one nft could only print as xt match or xt target): " + String.join(", ", refused)));
    }

    /**
     * One sentence per hook and priority that several replayed native chains of one kind (nat or not) share: the order
     * the replay runs them in, the one listed later first (a chain's hook is registered when it is created, the listing
     * prints them in creation order, and the kernel runs the later registered first at an equal priority).
     */
    static List<String> equalPriorityOrder(String file, List<io.pktpath.parser.nft.NftNativeReplay.ReplayedChain> chains) {
        // per family (an ip and an ip6 chain never meet; an inet one meets both), then merged where both families agree
        java.util.Map<String, java.util.Map<List<String>, java.util.Set<String>>> groups = new java.util.LinkedHashMap<>();
        for (io.pktpath.parser.net.IpFamily family : io.pktpath.parser.net.IpFamily.values()) {
            java.util.Map<String, List<String>> names = new java.util.LinkedHashMap<>();
            for (io.pktpath.parser.nft.NftNativeReplay.ReplayedChain c : chains) {
                if (!c.ingress() && c.families().contains(family)) {
                    names.computeIfAbsent((c.nat() ? "nat" : "filter") + " chains at " + c.hook() + " priority "
                            + c.priority(), k -> new ArrayList<>()).add(0, c.chain().qualifiedName());
                }
            }
            names.forEach((key, list) -> {
                if (list.size() > 1) {
                    groups.computeIfAbsent(key, k -> new java.util.LinkedHashMap<>())
                            .computeIfAbsent(List.copyOf(list), k -> new java.util.TreeSet<>())
                            .add(family == io.pktpath.parser.net.IpFamily.V4 ? "IPv4" : "IPv6");
                }
            });
        }
        List<String> out = new ArrayList<>();
        groups.forEach((key, orders) -> orders.forEach((names, families) -> out.add("the native " + key + " ("
                + String.join(" and ", families) + ") run in the reverse of their order in " + file
                + " (the later created, so registered, first): " + String.join(", then ", names))));
        return out;
    }

    /** The node's bridges: every interface another interface names as its master. */
    static java.util.Set<String> bridges(Bundle bundle) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (NetInterface i : bundle.interfaces()) {
            i.master().ifPresent(names::add);
        }
        return names;
    }

    /**
     * The capture to replay when the bundle holds several: the one that shows the most of the node's interfaces in its
     * first frames (a node-wide {@code tcpdump -i any} sees pod veths and the uplink; a capture taken inside a pod sees
     * only its eth0), then the largest, then one named {@code capture.pcap} or {@code capture.pcapng} (the node's capture
     * in a recorded bundle, as the verifier takes it: a pod's capture of the same traffic is as large and sees one
     * interface too, its eth0, which has a node interface's name).
     */
    public static Optional<Path> mainCapture(Bundle bundle) {
        if (bundle.captures().size() <= 1) {
            return bundle.captures().stream().findFirst();
        }
        NodeNetwork net = hasNode(bundle) ? network(bundle) : null;
        return bundle.captures().stream().max(Comparator.comparingInt((Path p) -> nodeInterfacesSeen(p, net))
                .thenComparingLong(Analyzer::size).thenComparing(Analyzer::namedCapture)
                .thenComparing(Path::toString, Comparator.reverseOrder()));
    }

    private static boolean namedCapture(Path p) {
        String name = p.getFileName().toString();
        return name.equals("capture.pcap") || name.equals("capture.pcapng");
    }

    private static int nodeInterfacesSeen(Path capture, NodeNetwork net) {
        if (net == null) {
            return 0;
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        CaptureReader reader = CaptureReader.open(capture, net::interfaceName);
        long[] count = {0};
        try {
            reader.read(frame -> {
                String name = frame.interfaceName();
                if (name != null && !name.isEmpty() && net.interfaceByName(name).isPresent()) {
                    names.add(name);
                }
                if (++count[0] >= 2000) {
                    throw new StopScan();
                }
            });
        } catch (StopScan stop) {
            // enough frames seen
        }
        return names.size();
    }

    /** Ends an interface scan early. */
    private static final class StopScan extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StopScan() {
            super(null, null, false, false);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * The traces of frames {@code from} to {@code to} of {@code capture} (or the bundle's main capture): every frame up
     * to {@code to} is replayed as {@link #analyze} replays it (the same traces), on this thread and the reader's only,
     * and the replay stops soon after {@code to}; nothing else is made (no summary, findings or flows), so a few frames
     * of a large capture cost the replay of the frames before them and no more. {@code progress} is told the frames
     * replayed every 1,024 frames; {@code cancelled} stops the replay early (the traces then end where it stopped).
     */
    public static FrameTraces traces(Bundle bundle, Optional<Path> capture, AnalysisOptions options, long from, long to,
                                     LongConsumer progress, BooleanSupplier cancelled) {
        if (from < 1 || to < from) {
            throw new IllegalArgumentException("frames " + from + "-" + to + ": expected 1 <= from <= to");
        }
        Optional<Path> capturePath = capture.or(() -> mainCapture(bundle));
        if (capturePath.isEmpty()) {
            return new FrameTraces(from, to, List.of(), 0, true, Optional.empty());
        }
        boolean replay = hasNode(bundle);
        NodeNetwork net = replay ? network(bundle) : null;
        KernelNodePath path = replay ? nodePath(bundle, net, options.replay()) : null;
        List<PacketTrace> kept = new ArrayList<>();
        long[] last = {0};
        boolean[] stopped = {false};
        NativeChainNotes nativeChains = NativeChainNotes.of(bundle);
        CaptureSummary summary = replayCapture(capturePath.get(), net, path, options, t -> {
            long frame = t.packet().frame();
            last[0] = Math.max(last[0], frame);
            if (frame >= from && frame <= to) {
                kept.add(nativeChains.annotate(t));
            }
        }, progress, () -> {
            stopped[0] = last[0] >= to || cancelled.getAsBoolean();
            return stopped[0];
        });
        return new FrameTraces(from, to, kept, last[0], !stopped[0], Optional.ofNullable(summary));
    }

    /**
     * Reads {@code capture} (its interface indexes named by {@code net}'s interfaces) and replays every frame through
     * {@code path} (frames are only decoded without a node) into {@code sink}; the capture's reading summary.
     */
    private static CaptureSummary replayCapture(Path capture, NodeNetwork net, KernelNodePath path,
                                                AnalysisOptions options, TraceSink sink, LongConsumer progress,
                                                BooleanSupplier cancelled) {
        CaptureReader reader = CaptureReader.open(capture, index -> net == null ? "" : net.interfaceName(index));
        PacketConverter converter = new PacketConverter(options.captureIface(), options.captureDirection());
        return new ReplayLoop(path, options.replay()).run(reader, converter, sink, progress, cancelled);
    }

    /**
     * Replays {@code capture} (or the bundle's main capture) through the bundle's node; every frame's trace goes to
     * {@code sink} in frame order.
     */
    public static AnalysisResult analyze(Bundle bundle, Optional<Path> capture, AnalysisOptions options, TraceSink sink,
                                         LongConsumer progress, BooleanSupplier cancelled) {
        Optional<Path> capturePath = capture.or(() -> mainCapture(bundle));
        SummaryCollector summary = new SummaryCollector();
        long[] lastTime = {0};
        FindingCollector findings = new FindingCollector(bundle);
        NativeChainNotes nativeChains = NativeChainNotes.of(bundle);
        TunnelFlows tunnelFlows = new TunnelFlows();
        TraceSink both = raw -> {
            PacketTrace t = nativeChains.annotate(raw);
            // the path's conntrack lookup, which both read, found once
            ConntrackStep ct = t.firstConntrackStep();
            summary.accept(t, ct);
            findings.accept(t, ct);
            if (t.tunnel().isPresent()) {
                tunnelFlows.accept(t);
            }
            lastTime[0] = Math.max(lastTime[0], t.packet().timeNanos());
            sink.accept(t);
        };
        List<String> assumptions = new ArrayList<>();
        boolean replay = hasNode(bundle);
        NodeNetwork net = replay ? network(bundle) : null;
        KernelNodePath path = null;
        if (replay) {
            assumptions.addAll(net.assumptions());
            path = nodePath(bundle, net, options.replay());
            if (!path.conntrackEnabled()) {
                assumptions.add("conntrack is off on this node: no rule needs it (no NAT, no state matches), so no packet has a ct");
            } else if (bundle.conntrackBefore().isEmpty()) {
                assumptions.add("no conntrack -L taken before the capture: connections already open when it started are picked up from their first captured packet");
            }
        } else {
            assumptions.add("the bundle has no iptables-save and no routes: frames are decoded, not replayed");
        }
        bundle.nftRuleset().ifPresent(r -> nativeAssumptions(r, bundle.nftReplay(), assumptions));
        legacyAssumption(bundle).ifPresent(assumptions::add);
        assumptions.addAll(listingAssumptions(bundle));
        if (bundle.ipvs().detected()) {
            assumptions.add("the node runs kube-proxy in IPVS mode (" + bundle.ipvs().evidenceText() + "), which is not "
                    + "replayed: a packet to a virtual service is shown without IPVS's rewrite to a real server "
                    + "(IPVS_NOT_REPLAYED)");
        }
        for (LinkLayerRules r : bundle.linkLayer()) {
            List<String> fromListing = r.chains().stream().filter(c -> bundle.nftReplay().replaysFromListing(r, c))
                    .map(c -> c.table() + " " + c.name()).toList();
            assumptions.add("the node's " + r.tool().command() + " rules (" + r.ruleCount() + " rule"
                    + (r.ruleCount() == 1 ? "" : "s") + ") are listed, " + (fromListing.isEmpty() ? "" : "their chains "
                    + String.join(", ", fromListing) + " replayed from the nft listing as bridge-family chains, the"
                    + " others ") + "not replayed: "
                    + (r.tool() == LinkLayerTool.EBTABLES ? "frames on bridges are shown as the IP hooks handle them"
                    : "ARP packets are not replayed") + " (" + r.tool().command().toUpperCase(java.util.Locale.ROOT)
                    + "_NOT_REPLAYED when a rule can drop or change one)");
        }
        Optional<CaptureSummary> captureSummary = Optional.empty();
        if (capturePath.isPresent()) {
            try (TraceHandoff handoff = new TraceHandoff(both)) {
                captureSummary = Optional.ofNullable(replayCapture(capturePath.get(), net, path, options, handoff,
                        progress, cancelled));
                handoff.finish();
            }
        }
        if (path != null) {
            assumptions.addAll(path.seedNotes());
        }
        long endNanos = lastTime[0];
        List<io.pktpath.core.conntrack.FlowRecord> flows = path == null ? List.of()
                : path.conntrack().flowsView(endNanos).withTunnels(tunnelFlows.tunnels())
                        .withCarriers(tunnelFlows.carried());
        List<io.pktpath.core.conntrack.RaceEvidence> races = path == null ? List.of() : findings.withoutTunnels(path.races());
        return new AnalysisResult(bundle, capturePath, captureSummary, summary.summary(), flows,
                path == null ? Optional.empty() : Optional.of(withRaces(path.conntrack().stats(), path.races().size() - races.size())),
                path == null ? Optional.empty() : Optional.of(path.hits()),
                races, findings.findings(flows, races, endNanos), assumptions, path != null && path.conntrackEnabled());
    }

    /** {@code stats} with {@code left} fewer possible races (those between an overlay's tunnel frames, which are not races). */
    private static io.pktpath.core.conntrack.ConntrackStats withRaces(io.pktpath.core.conntrack.ConntrackStats stats, long left) {
        if (left == 0) {
            return stats;
        }
        return new io.pktpath.core.conntrack.ConntrackStats(stats.found(), stats.invalid(), stats.insert(),
                stats.insertFailed(), stats.drop(), stats.clashResolve(), stats.possibleRaces() - left);
    }
}
