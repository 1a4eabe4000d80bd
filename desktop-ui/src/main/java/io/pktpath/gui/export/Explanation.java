package io.pktpath.gui.export;

import io.pktpath.core.report.TraceJson;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.gui.path.StepTree;

/** A frame's explanation as plain text for the clipboard: the packet, what happened and why, then the step tree. */
public final class Explanation {
    private Explanation() {
    }

    /** The text; {@code misses} adds the rules that did not match. */
    public static String text(PacketTrace trace, boolean misses) {
        PacketSummary p = trace.packet();
        StringBuilder sb = new StringBuilder();
        sb.append("Frame ").append(p.frame()).append("  ").append(TraceJson.time(p.timeNanos())).append("  ")
                .append(p.iface().isEmpty() ? "?" : p.iface()).append(p.dir().isEmpty() ? "" : " " + p.dir())
                .append('\n');
        sb.append("  ").append(p.info()).append('\n');
        sb.append("Disposition: ").append(trace.disposition().words()).append(" (").append(trace.disposition().name())
                .append(")\n");
        if (!trace.reason().isEmpty()) {
            sb.append("Why: ").append(trace.reason()).append('\n');
        }
        trace.nat().filter(n -> n.changed()).ifPresent(n -> sb.append("NAT: ").append(n.before()).append("  =>  ")
                .append(n.after()).append(n.masquerade() ? " (masquerade)" : "").append('\n'));
        trace.route().ifPresent(r -> sb.append("Route: ").append(r.routeText().isEmpty() ? r.prefix() : r.routeText())
                .append(" (table ").append(r.table()).append(")\n"));
        sb.append("Path:\n");
        StepTree.of(trace, misses).children().forEach(c -> sb.append(indent(c.toText())));
        return sb.toString();
    }

    private static String indent(String block) {
        StringBuilder sb = new StringBuilder();
        block.lines().forEach(l -> sb.append("  ").append(l).append('\n'));
        return sb.toString();
    }
}
