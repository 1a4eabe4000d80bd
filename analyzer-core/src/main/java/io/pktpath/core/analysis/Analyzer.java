package io.pktpath.core.analysis;

import io.pktpath.core.capture.CaptureReader;
import io.pktpath.core.capture.CaptureSummary;
import io.pktpath.core.conntrack.CtTimeouts;
import io.pktpath.core.replay.KernelNodePath;
import io.pktpath.core.replay.PacketConverter;
import io.pktpath.core.replay.ReplayLoop;
import io.pktpath.core.replay.TraceSink;
import io.pktpath.core.routing.NetworkInputs;
import io.pktpath.core.routing.NodeNetwork;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.InputKind;
import io.pktpath.parser.iproute.NetInterface;
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
 * each frame's trace to a sink, and returns the summary, flows, rule hits, races and assumptions.
 */
public final class Analyzer {
    private Analyzer() {
    }

    /** Whether the bundle holds enough of a node (rules or routes) to replay packets; otherwise frames are only decoded. */
    public static boolean hasNode(Bundle bundle) {
        return bundle.rulesetV4().isPresent() || bundle.rulesetV6().isPresent() || !bundle.routesV4().isEmpty()
                || !bundle.routesV6().isEmpty();
    }

    /** The node's network (interfaces, routes, rules, neighbors, sysctls, ipsets) as the routing layer models it. */
    public static NodeNetwork network(Bundle bundle) {
        List<io.pktpath.parser.iproute.Route> routes = new ArrayList<>(bundle.routesV4());
        routes.addAll(bundle.routesV6());
        return NodeNetwork.of(new NetworkInputs(bundle.interfaces(), routes,
                bundle.has(InputKind.IP_RULE) || !bundle.policyRulesV4().isEmpty() ? Optional.of(bundle.policyRulesV4()) : Optional.empty(),
                !bundle.policyRulesV6().isEmpty() ? Optional.of(bundle.policyRulesV6()) : Optional.empty(),
                bundle.neighbors(), bundle.sysctls(), bundle.ipsets()));
    }

    /** The capture to replay: the one named, or the largest in the bundle (a node-wide {@code -i any} capture). */
    public static Optional<Path> mainCapture(Bundle bundle) {
        return bundle.captures().stream().max(Comparator.comparingLong(Analyzer::size).thenComparing(Path::toString,
                Comparator.reverseOrder()));
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
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
        TraceSink both = t -> {
            summary.accept(t);
            lastTime[0] = Math.max(lastTime[0], t.packet().timeNanos());
            sink.accept(t);
        };
        List<String> assumptions = new ArrayList<>();
        boolean replay = hasNode(bundle);
        NodeNetwork net = replay ? network(bundle) : null;
        KernelNodePath path = null;
        if (replay) {
            assumptions.addAll(net.assumptions());
            path = new KernelNodePath(net, bundle.rulesetV4(), bundle.rulesetV6(), CtTimeouts.from(bundle.sysctls()),
                    bundle.conntrackBefore(), bundle.conntrack());
            if (!path.conntrackEnabled()) {
                assumptions.add("conntrack is off on this node: no rule needs it (no NAT, no state matches), so no packet has a ct");
            } else if (bundle.conntrackBefore().isEmpty()) {
                assumptions.add("no conntrack -L taken before the capture: connections already open when it started are picked up from their first captured packet");
            }
        } else {
            assumptions.add("the bundle has no iptables-save and no routes: frames are decoded, not replayed");
        }
        Optional<CaptureSummary> captureSummary = Optional.empty();
        if (capturePath.isPresent()) {
            NodeNetwork names = net;
            CaptureReader reader = CaptureReader.open(capturePath.get(),
                    index -> names == null ? "" : names.interfaceByIndex(index).map(NetInterface::name).orElse(""));
            PacketConverter converter = new PacketConverter(options.captureIface(), options.captureDirection());
            ReplayLoop loop = new ReplayLoop(path, options.replay());
            captureSummary = Optional.ofNullable(loop.run(reader, converter, both, progress, cancelled));
        }
        if (path != null) {
            assumptions.addAll(path.seedNotes());
        }
        long endNanos = lastTime[0];
        return new AnalysisResult(bundle, capturePath, captureSummary, summary.summary(),
                path == null ? List.of() : path.conntrack().flows(endNanos),
                path == null ? Optional.empty() : Optional.of(path.conntrack().stats()),
                path == null ? Optional.empty() : Optional.of(path.hits()),
                path == null ? List.of() : path.races(), List.of(), assumptions, path != null && path.conntrackEnabled());
    }
}
