package io.pktpath.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.core.trace.UndecidedStep;
import io.pktpath.parser.diag.SourceSpan;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which frame decided between a packet's branches, as the explain header names it: none when the replay fell back. */
class ExplainAlternativesTest {
    private static PacketTrace withDecision(String decidedBy) {
        RuleRef rule = new RuleRef(4, "nat", "KUBE-SVC-X", 2, SourceSpan.line("rules", 7), "-A KUBE-SVC-X -j KUBE-SEP-Y");
        PacketSummary p = new PacketSummary(1, 0, "eth0", "in", 4, 6, Optional.empty(), Optional.empty(), 1, 2, -1, 60,
                -1, -1, -1, "");
        return new PacketTrace(p, FrameRole.INGRESS, List.of(new UndecidedStep(Hook.PREROUTING, rule, "random", decidedBy)),
                Disposition.FORWARDED, "forwarded", Optional.empty(), Optional.empty(), List.of(), List.of(), List.of(),
                List.of(), 1);
    }

    @Test
    void anEgressCopyOrTheFrameItselfDecides() {
        assertEquals("egress frame 6 on eth0", ExplainText.decidedBy(withDecision("egress frame 6 on eth0")));
        assertEquals("this frame, as it left on eth0", ExplainText.decidedBy(withDecision("this frame, as it left on eth0")));
    }

    @Test
    void theFirstBranchInRuleOrderIsNoDecision() {
        assertEquals("", ExplainText.decidedBy(withDecision("first branch in rule order: no egress copy in the capture")));
        assertEquals("", ExplainText.decidedBy(withDecision("")));
    }
}
