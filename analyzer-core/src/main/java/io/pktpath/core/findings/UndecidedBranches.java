package io.pktpath.core.findings;

import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.core.trace.UndecidedStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Packets whose random branch (a {@code statistic} rule's endpoint, a {@code -m random}, an {@code nth}) no frame of the
 * capture showed, because the copy that left the node is on an interface the capture lacks and no {@code conntrack -L}
 * told: the replay followed the first branch, so their endpoint may not be the kernel's (UNDECIDED_BRANCH).
 */
final class UndecidedBranches {
    private static final int SHOWN_RULES = 5;

    /** Frames per deciding rule, in first-seen order. */
    private final Map<RuleRef, FrameSample> byRule = new LinkedHashMap<>();
    private long packets;

    void accept(PacketTrace t) {
        // a packet with one branch, or on a remembered path, has no alternatives: most packets stop here
        if (t.alternatives().isEmpty() || t.role() != FrameRole.INGRESS && t.role() != FrameRole.LOCAL_OUT) {
            return;
        }
        for (TraceStep step : t.path()) {
            if (step instanceof UndecidedStep u && u.decidedBy().equals(UndecidedStep.NO_EGRESS_COPY)) {
                packets++;
                byRule.computeIfAbsent(u.rule(), r -> new FrameSample()).add(t.packet().frame());
                return;
            }
        }
    }

    List<Finding> findings() {
        if (packets == 0) {
            return List.of();
        }
        List<Long> frames = new ArrayList<>();
        List<String> rules = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        int shown = 0;
        for (Map.Entry<RuleRef, FrameSample> e : byRule.entrySet()) {
            frames.addAll(e.getValue().frames());
            if (shown++ < SHOWN_RULES) {
                rules.add(e.getKey().labelWithSource());
                evidence.add(e.getKey().labelWithSource() + ": " + e.getValue().count() + " packet(s), frames "
                        + e.getValue().frames());
            }
        }
        if (byRule.size() > SHOWN_RULES) {
            evidence.add("and " + (byRule.size() - SHOWN_RULES) + " more rule(s)");
        }
        return List.of(new Finding(Codes.UNDECIDED_BRANCH, FindingSeverity.INFO, packets + " packet(s) took a random"
                + " branch that no frame of the capture shows (the copy that left the node is on an interface the"
                + " capture lacks): the replay followed the first branch of " + byRule.size() + " rule(s), so their"
                + " endpoint or path may not be the kernel's", frames.stream().sorted().limit(FrameSample.KEEP).toList(),
                rules, evidence, "Capture on every interface the traffic crosses (tcpdump -i any), or record conntrack -E"
                        + " -o timestamp beside the capture (or take a conntrack -L right after it): pktpath then takes"
                        + " each connection's endpoint from it",
                "high: the branch the kernel took shows only in the packet's copy leaving the node, which the capture"
                        + " does not hold"));
    }
}
