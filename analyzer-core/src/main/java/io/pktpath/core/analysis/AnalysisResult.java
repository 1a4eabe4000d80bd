package io.pktpath.core.analysis;

import io.pktpath.core.capture.CaptureSummary;
import io.pktpath.core.conntrack.ConntrackStats;
import io.pktpath.core.conntrack.FlowRecord;
import io.pktpath.core.conntrack.RaceEvidence;
import io.pktpath.core.findings.Finding;
import io.pktpath.core.netfilter.RuleHits;
import io.pktpath.parser.bundle.Bundle;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one analysis produced besides the per-frame traces (which stream to a sink): the bundle as loaded, the
 * capture read, the summary, conntrack's flows and statistics, per-rule hits, race evidence, findings and the
 * assumptions the replay had to make.
 */
public record AnalysisResult(Bundle bundle, Optional<Path> capturePath, Optional<CaptureSummary> capture,
                             Summary summary, List<FlowRecord> flows, Optional<ConntrackStats> predictedStats,
                             Optional<RuleHits> hits, List<RaceEvidence> races, List<Finding> findings,
                             List<String> assumptions, boolean conntrackEnabled) {
    public AnalysisResult {
        Objects.requireNonNull(bundle, "bundle");
        Objects.requireNonNull(capturePath, "capturePath");
        Objects.requireNonNull(capture, "capture");
        Objects.requireNonNull(summary, "summary");
        flows = flows instanceof io.pktpath.core.conntrack.FlowList ? flows : List.copyOf(flows);
        Objects.requireNonNull(predictedStats, "predictedStats");
        Objects.requireNonNull(hits, "hits");
        races = List.copyOf(races);
        findings = List.copyOf(findings);
        assumptions = List.copyOf(assumptions);
    }
}
