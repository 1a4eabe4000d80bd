package io.pktpath.gui.findings;

import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.DropCause;
import io.pktpath.core.conntrack.RaceEvidence;
import io.pktpath.core.findings.Finding;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One line of the findings view: a group of drops with one cause, a conntrack race, a finding, or an assumption the
 * replay made; with its severity, a title, the detail in sentences and the frames involved.
 */
public record FindingItem(String category, String severity, String title, List<String> detail, List<Long> frames) {
    public FindingItem {
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(title, "title");
        detail = List.copyOf(detail);
        frames = List.copyOf(frames);
    }

    /** Drops by cause (most frames first), then races, findings and assumptions, as the analysis gives them. */
    public static List<FindingItem> of(AnalysisResult result) {
        List<FindingItem> items = new ArrayList<>();
        for (DropCause d : result.summary().drops()) {
            items.add(new FindingItem("drop", "ERROR", d.count() + " × " + d.disposition().words() + ": "
                    + d.responsible(), List.of("at " + d.location(), "disposition " + d.disposition().name()),
                    d.frames()));
        }
        for (RaceEvidence r : result.races()) {
            items.add(new FindingItem("race", "WARNING", race(r) + ": frames " + r.earlierFrame() + " and "
                    + r.laterFrame() + " " + (r.gapNanos() / 1000) + " µs apart",
                    List.of("contested tuple " + r.contestedTuple(), "first " + r.earlierOriginal(),
                            "second " + r.laterOriginal(), "NAT " + r.natChoices(), r.detail()),
                    List.of(r.earlierFrame(), r.laterFrame())));
        }
        for (Finding f : result.findings()) {
            List<String> detail = new ArrayList<>(f.evidence());
            f.rules().forEach(r -> detail.add("rule " + r));
            if (!f.fix().isEmpty()) {
                detail.add("fix: " + f.fix());
            }
            if (!f.confidence().isEmpty()) {
                detail.add("confidence: " + f.confidence());
            }
            items.add(new FindingItem("finding", f.severity().name(), f.code() + ": " + f.title(), detail, f.frames()));
        }
        for (Map.Entry<String, Long> a : result.summary().assumptions().entrySet()) {
            items.add(new FindingItem("assumption", "INFO", a.getKey(), List.of(a.getValue() + " frames concerned"),
                    List.of()));
        }
        for (String a : result.assumptions()) {
            items.add(new FindingItem("assumption", "INFO", a, List.of(), List.of()));
        }
        return items;
    }

    private static String race(RaceEvidence r) {
        return switch (r.kind()) {
            case UDP_SAME_TUPLE -> "UDP same-tuple conntrack race";
            case SNAT_PORT_COLLISION -> "SNAT source-port race";
        };
    }
}
