package io.pktpath.core.analysis;

import io.pktpath.core.conntrack.CtTimeouts;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.replay.Branches;
import io.pktpath.core.replay.KernelNodePath;
import io.pktpath.core.replay.NodeInputs;
import io.pktpath.core.replay.PathRun;
import io.pktpath.core.routing.NodeNetwork;
import io.pktpath.core.routing.RouteKind;
import io.pktpath.core.routing.RouteResult;
import io.pktpath.core.trace.NatChange;
import io.pktpath.core.trace.NatKind;
import io.pktpath.core.trace.NatStep;
import io.pktpath.core.trace.RouteDecision;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code pktpath trace}: one synthetic first packet of a new connection through a node, every branch enumerated (each
 * random rule's branches with the kernel's exact probabilities), like kube-proxy's tracer but along the kernel's whole
 * path. A packet the node sends to itself leaves through {@code lo} and comes back in: both passes are followed, as the
 * kernel's TRACE shows them.
 */
public final class SyntheticTracer {
    private final Bundle bundle;
    /** The node's network for the questions asked before tracing ({@link #arrivalOf}, {@link #isLocal}), made once. */
    private NodeNetwork network;

    public SyntheticTracer(Bundle bundle) {
        this.bundle = bundle;
    }

    private NodeNetwork network() {
        if (network == null) {
            network = Analyzer.network(bundle);
        }
        return network;
    }

    private KernelNodePath freshNode() {
        return new KernelNodePath(NodeInputs.of(Analyzer.network(bundle), bundle.rulesetV4(), bundle.rulesetV6(),
                CtTimeouts.from(bundle.sysctls())).withNativeChains(bundle.nftReplay()).withLegacy(bundle.legacy()));
    }

    /** Where a packet from an address arrives, as the node's routes back to that address say. */
    public record Arrival(String iface, RouteDecision route) {
        public Arrival {
            Objects.requireNonNull(iface, "iface");
            Objects.requireNonNull(route, "route");
        }
    }

    /**
     * The interface a packet from {@code src} would arrive on: the device of the node's route back to {@code src} (the
     * one rp_filter expects it on); empty for the node's own addresses and where no unicast route leads back.
     */
    public Optional<Arrival> arrivalOf(IpAddress src) {
        NodeNetwork net = network();
        if (net.isLocal(src)) {
            return Optional.empty();
        }
        IpAddress any = src.family() == IpFamily.V4 ? IpAddress.v4(0) : IpAddress.v6(0, 0);
        RouteResult back = net.outputRoute(Packet.synthetic(src.family(), 17, any, 0, src, 0, "", true));
        if (back.kind() != RouteKind.SEND || back.outDev().isEmpty() || back.outDev().get().equals("lo")) {
            return Optional.empty();
        }
        return Optional.of(new Arrival(back.outDev().get(), back.decision()));
    }

    /** True if {@code address} is one of the node's own addresses (a packet from it is sent, not received). */
    public boolean isLocal(IpAddress address) {
        return network().isLocal(address);
    }

    /** Every outcome of the packet, first in rule order first; at most {@code limit}. */
    public List<TraceOutcome> trace(TraceRequest r, int limit) {
        IpFamily family = r.src().family();
        Packet packet = Packet.synthetic(family, r.proto(), r.src(), r.sport(), r.dst(), r.dport(), r.inIface(),
                r.locallyGenerated());
        KernelNodePath node = freshNode();
        List<TraceOutcome> outcomes = new ArrayList<>();
        for (Branches.Branch<PathRun> first : Branches.enumerate(
                oracle -> r.locallyGenerated() ? node.localOut(packet, oracle, false) : node.ingress(packet, oracle, false),
                limit)) {
            PathRun run = first.result();
            if (run.egress().isPresent() && run.egress().get().dev().equals("lo") && outcomes.size() < limit) {
                outcomes.addAll(loopedBack(r, packet, first, limit - outcomes.size()));
            } else {
                outcomes.add(outcome(first.probability(), first.label(), run, run.steps(), run.nat()));
            }
        }
        return outcomes;
    }

    /** The second pass of a packet the node sent to itself: committed first pass, then in through lo. */
    private List<TraceOutcome> loopedBack(TraceRequest r, Packet packet, Branches.Branch<PathRun> first, int limit) {
        KernelNodePath node = freshNode();
        PathRun sent = node.localOut(packet, Branches.replaying(first.picks()), false);
        node.commit(sent, packet);
        Packet looped = Packet.synthetic(packet.family(), packet.proto(), sent.egress().get().tuple().src(),
                sent.egress().get().tuple().sport(), sent.egress().get().tuple().dst(), sent.egress().get().tuple().dport(),
                "lo", false);
        List<TraceOutcome> out = new ArrayList<>();
        for (Branches.Branch<PathRun> second : Branches.enumerate(o -> node.ingress(looped, o, false), limit)) {
            PathRun in = second.result();
            List<TraceStep> steps = new ArrayList<>(sent.steps());
            steps.addAll(in.steps());
            Optional<NatChange> nat = Optional.of(new NatChange(packet.tuple(),
                    in.nat().map(NatChange::after).orElse(looped.tuple()), sent.nat().map(NatChange::masquerade).orElse(false)))
                    .filter(NatChange::changed);
            String label = first.label().equals("the only path") ? second.label()
                    : second.label().equals("the only path") ? first.label() : first.label() + "; " + second.label();
            out.add(outcome(first.probability() * second.probability(), label, in, steps, nat));
        }
        return out;
    }

    private static TraceOutcome outcome(double probability, String label, PathRun run, List<TraceStep> steps,
                                        Optional<NatChange> nat) {
        boolean masquerade = steps.stream().anyMatch(s -> s instanceof NatStep n
                && (n.kind() == NatKind.MASQUERADE || n.kind() == NatKind.SNAT));
        return new TraceOutcome(probability, label, run.disposition(), run.reason(), steps, nat, masquerade, run.route(),
                run.notes());
    }
}
