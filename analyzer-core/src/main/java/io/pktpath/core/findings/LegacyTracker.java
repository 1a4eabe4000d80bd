package io.pktpath.core.findings;

import io.pktpath.core.netfilter.LegacyTables;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.core.trace.Verdict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the replayed iptables-legacy tables did, per family: the frames that walked one, and per legacy rule (or
 * policy) the frames it dropped, the connections whose NAT it decided and the frames it changed (a mark, a connmark):
 * the evidence of LEGACY_TABLES when the bundle holds both backends' dumps. Memory is bounded ({@link FrameSample}).
 */
final class LegacyTracker {
    /** What one family's legacy tables did. */
    static final class Family {
        final FrameSample walked = new FrameSample();
        final Map<String, FrameSample> dropped = new LinkedHashMap<>();
        final Map<String, FrameSample> mapped = new LinkedHashMap<>();
        final Map<String, FrameSample> changed = new LinkedHashMap<>();
    }

    final Family v4 = new Family();
    final Family v6 = new Family();

    void accept(PacketTrace t) {
        Family f = null;
        List<TraceStep> path = t.path();
        for (int i = 0; i < path.size(); i++) {
            TraceStep s = path.get(i);
            if (s instanceof RuleStep r && LegacyTables.isLegacy(r.rule().table())) {
                f = f == null ? family(r.rule().family()) : f;
                String label = r.rule().labelWithSource() + ": " + r.rule().text();
                boolean nat = LegacyTables.kernelTable(r.rule().table()).equals("nat");
                if (r.verdict().kind() == Verdict.Kind.DROP && t.disposition().isFailure()) {
                    f.dropped.computeIfAbsent(label, k -> new FrameSample()).add(t.packet().frame());
                } else if (nat && r.verdict().kind() == Verdict.Kind.ACCEPT) {
                    f.mapped.computeIfAbsent(label, k -> new FrameSample()).add(t.packet().frame());
                } else if (r.verdict().kind() == Verdict.Kind.CONTINUE && !r.effects().isEmpty()) {
                    f.changed.computeIfAbsent(label + " (" + String.join(", ", r.effects()) + ")",
                            k -> new FrameSample()).add(t.packet().frame());
                }
            } else if (s instanceof PolicyStep p && LegacyTables.isLegacy(p.table())) {
                f = f == null ? family(t.packet().family()) : f;
                if (p.verdict().kind() == Verdict.Kind.POLICY_DROP && t.disposition().isFailure()) {
                    f.dropped.computeIfAbsent("the DROP policy of " + p.table() + " " + p.chain(),
                            k -> new FrameSample()).add(t.packet().frame());
                }
            }
        }
        if (f != null) {
            f.walked.add(t.packet().frame());
        }
    }

    private Family family(int number) {
        return number == 6 ? v6 : v4;
    }
}
