package io.pktpath.core.verify;

import io.pktpath.core.conntrack.KernelEventComparison;
import io.pktpath.core.conntrack.KernelEventDifference;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of checking pktpath's replay of a bundle against the kernel's own record of it: how many traced packets
 * were tied to a frame and compared, how many agreed in every step, NAT and egress, every difference side by side,
 * the traced packets no frame was found for, the replayed frames the trace does not cover, per-rule hit counts, and,
 * when the bundle has {@code conntrack -E} events, the replay's connections against the kernel's NEW events.
 */
public record VerifyReport(String bundle, TraceCoverage coverage, int kernelPackets, int compared, int equal,
                           List<Difference> differences, List<UntiedPacket> untied, List<Long> untracedFrames,
                           int hitsCompared, int hitsEqual, List<HitDifference> hitDifferences, List<String> notes,
                           Optional<KernelEventComparison> events) {
    /** A report without conntrack events. */
    public VerifyReport(String bundle, TraceCoverage coverage, int kernelPackets, int compared, int equal,
                        List<Difference> differences, List<UntiedPacket> untied, List<Long> untracedFrames,
                        int hitsCompared, int hitsEqual, List<HitDifference> hitDifferences, List<String> notes) {
        this(bundle, coverage, kernelPackets, compared, equal, differences, untied, untracedFrames, hitsCompared,
                hitsEqual, hitDifferences, notes, Optional.empty());
    }

    public VerifyReport {
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(bundle, "bundle");
        Objects.requireNonNull(coverage, "coverage");
        differences = List.copyOf(differences);
        untied = List.copyOf(untied);
        untracedFrames = List.copyOf(untracedFrames);
        hitDifferences = List.copyOf(hitDifferences);
        notes = List.copyOf(notes);
    }

    /** True when every compared packet, every compared counter and every conntrack event agreed. */
    public boolean agrees() {
        return differences.isEmpty() && hitDifferences.isEmpty() && events.map(KernelEventComparison::agrees).orElse(true);
    }

    /** A deterministic plain-text rendering (no times, stable order). */
    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("verify ").append(bundle).append('\n');
        sb.append("kernel packets: ").append(kernelPackets).append(", tied to a frame and compared: ").append(compared)
                .append(", equal: ").append(equal).append('\n');
        sb.append("rule/policy counters compared: ").append(hitsCompared).append(", equal: ").append(hitsEqual)
                .append('\n');
        events.ifPresent(e -> sb.append("conntrack events (conntrack -E NEW): ").append(e.counts()).append('\n'));
        if (!coverage.complete()) {
            sb.append("trace is partial: ").append(coverage.note()).append('\n');
        }
        if (!untracedFrames.isEmpty()) {
            sb.append("replayed frames the kernel did not trace (").append(untracedFrames.size()).append("): ")
                    .append(frameList(untracedFrames)).append('\n');
        }
        for (Difference d : differences) {
            sb.append("\nDIFF frame ").append(d.frame()).append(" (trace ").append(d.traceId()).append(", ")
                    .append(d.kernelLine().isEmpty() ? "-" : d.kernelLine()).append(") ").append(d.aspect()).append('\n');
            sb.append("  kernel:  ").append(d.kernel()).append('\n');
            sb.append("  pktpath: ").append(d.pktpath()).append('\n');
            for (StepRow row : d.rows()) {
                sb.append(row.equal() ? "    = " : "    ! ").append(row.kernel().isEmpty() ? "-" : row.kernel());
                if (!row.equal()) {
                    sb.append("\n      | ").append(row.pktpath().isEmpty() ? "-" : row.pktpath());
                }
                sb.append('\n');
            }
        }
        for (UntiedPacket u : untied) {
            sb.append("\nNO FRAME trace ").append(u.traceId()).append(" (").append(u.kernelLine())
                    .append("): ").append(u.reason()).append("\n  ").append(u.header()).append('\n');
        }
        for (HitDifference h : hitDifferences) {
            sb.append("\nCOUNTER ").append(h.describe()).append('\n');
        }
        if (events.isPresent()) {
            for (KernelEventDifference d : events.get().differences()) {
                sb.append("\nCONNTRACK ").append(d.headline()).append('\n');
                sb.append("  kernel:  ").append(d.kernel()).append('\n');
                sb.append("  pktpath: ").append(d.pktpath()).append('\n');
            }
        }
        for (String n : notes) {
            sb.append("\nnote: ").append(n).append('\n');
        }
        events.ifPresent(e -> e.notes().forEach(n -> sb.append("\nnote: conntrack events: ").append(n).append('\n')));
        return sb.toString();
    }

    private static String frameList(List<Long> frames) {
        int shown = Math.min(frames.size(), 40);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shown; i++) {
            sb.append(i == 0 ? "" : ", ").append(frames.get(i));
        }
        return frames.size() > shown ? sb + ", ... (" + (frames.size() - shown) + " more)" : sb.toString();
    }
}
