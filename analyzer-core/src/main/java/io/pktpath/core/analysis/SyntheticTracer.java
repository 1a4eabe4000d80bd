package io.pktpath.core.analysis;

import io.pktpath.core.conntrack.CtTimeouts;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.replay.KernelNodePath;
import io.pktpath.core.replay.PathRun;
import io.pktpath.core.trace.NatKind;
import io.pktpath.core.trace.NatStep;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code pktpath trace}: one synthetic first packet of a new connection through a node, every branch enumerated (each
 * random rule's branches with the kernel's exact probabilities), like kube-proxy's tracer but along the kernel's whole path.
 */
public final class SyntheticTracer {
    private final KernelNodePath path;

    public SyntheticTracer(Bundle bundle) {
        this.path = new KernelNodePath(Analyzer.network(bundle), bundle.rulesetV4(), bundle.rulesetV6(),
                CtTimeouts.from(bundle.sysctls()), List.of());
    }

    /** Every outcome of the packet, first in rule order first; at most {@code limit}. */
    public List<TraceOutcome> trace(TraceRequest r, int limit) {
        IpFamily family = r.src().family();
        Packet packet = Packet.synthetic(family, r.proto(), r.src(), r.sport(), r.dst(), r.dport(), r.inIface(),
                r.locallyGenerated());
        List<TraceOutcome> outcomes = new ArrayList<>();
        for (var branch : io.pktpath.core.replay.Branches.enumerate(
                oracle -> r.locallyGenerated() ? path.localOut(packet, oracle, false) : path.ingress(packet, oracle, false),
                limit)) {
            PathRun run = branch.result();
            boolean masquerade = run.nat().map(n -> n.masquerade()).orElse(false)
                    || run.steps().stream().anyMatch(s -> s instanceof NatStep n
                    && (n.kind() == NatKind.MASQUERADE || n.kind() == NatKind.SNAT));
            outcomes.add(new TraceOutcome(branch.probability(), branch.label(), run.disposition(), run.reason(),
                    run.steps(), run.nat(), masquerade, run.route(), run.notes()));
        }
        return outcomes;
    }
}
