package io.pktpath.core.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.net.IpAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which frame decided between a trace's alternatives, and which alternative happened. */
class TraceDecisionTest {
    private static final RuleRef RULE = new RuleRef(4, "nat", "KUBE-SVC-X", 2, SourceSpan.line("rules", 7),
            "-A KUBE-SVC-X -m statistic --mode random --probability 0.5 -j KUBE-SEP-A");
    private static final Tuple VIP = new Tuple(6, IpAddress.v4(0x0af40102), 40000, IpAddress.v4(0x0a60000a), 80);

    private static NatChange to(int endpoint) {
        return new NatChange(VIP, new Tuple(6, VIP.src(), 40000, IpAddress.v4(endpoint), 8080), false);
    }

    private static PacketTrace trace(String decidedBy, Optional<NatChange> nat, List<Alternative> alternatives) {
        PacketSummary p = new PacketSummary(1, 0, "eth0", "in", 4, 6, Optional.empty(), Optional.empty(), 40000, 80, -1,
                60, -1, -1, -1, "");
        return new PacketTrace(p, FrameRole.INGRESS, List.of(new UndecidedStep(Hook.PREROUTING, RULE, "random", decidedBy)),
                Disposition.FORWARDED, "forwarded", nat, Optional.empty(), List.of(), alternatives, List.of(), List.of(), 1);
    }

    private static final Alternative A = new Alternative("match", 0.5, List.of(), Optional.of(to(0x0af40103)),
            Disposition.FORWARDED, "to a");
    private static final Alternative B = new Alternative("no match", 0.5, List.of(), Optional.of(to(0x0af40104)),
            Disposition.FORWARDED, "to b");

    @Test
    void anEgressCopyOrTheFrameItselfDecides() {
        PacketTrace t = trace("egress frame 6 on eth0", Optional.of(to(0x0af40104)), List.of(A, B));
        assertEquals("egress frame 6 on eth0", t.decidedBy());
        assertEquals(Optional.of(B), t.happened());
        assertEquals("this frame, as it left on eth0",
                trace("this frame, as it left on eth0", Optional.empty(), List.of(A, B)).decidedBy());
    }

    @Test
    void theFirstBranchInRuleOrderIsNoDecision() {
        PacketTrace t = trace(UndecidedStep.FIRST_BRANCH + ": no egress copy in the capture", Optional.of(to(0x0af40103)),
                List.of(A, B));
        assertEquals("", t.decidedBy());
        assertEquals(Optional.empty(), t.happened());
        assertEquals("", trace("", Optional.empty(), List.of(A, B)).decidedBy());
    }

    @Test
    void noAlternativeOrSeveralThatFitMarkNone() {
        assertEquals(Optional.empty(), trace("egress frame 6 on eth0", Optional.empty(), List.of(A, B)).happened());
        Alternative alsoB = new Alternative("other", 0.5, List.of(), B.nat(), Disposition.FORWARDED, "also b");
        assertEquals(Optional.empty(), trace("egress frame 6 on eth0", B.nat(), List.of(B, alsoB)).happened());
    }
}
