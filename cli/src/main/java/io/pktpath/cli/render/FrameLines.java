package io.pktpath.cli.render;

import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Renders frame lines as {@link FrameLine#render} does, one after another into one reused buffer, and remembers the
 * label of every accepting rule or policy it printed (the few a node's traffic passes label most frames); an instance
 * serves one thread.
 */
public final class FrameLines {
    private final Style style;
    private final StringBuilder line = new StringBuilder(256);
    /** Label of each accepting step, keyed by the step's rule reference (rules) or by the step itself (policies). */
    private final Map<Object, String> labels = new HashMap<>();

    public FrameLines(Style style) {
        this.style = style;
    }

    /** The line of {@code t}, valid until the next call (copy it to keep it). */
    public CharSequence render(PacketTrace t) {
        line.setLength(0);
        return FrameLine.append(line, t, style, decisive(t));
    }

    private String decisive(PacketTrace t) {
        if (t.disposition().isFailure() || t.packet().family() == 0) {
            // a failure's label, and an ARP frame's (a frame that is not IP has no rules to label it)
            return Labels.decisive(t);
        }
        Optional<TraceStep> step = Labels.accepting(t);
        if (step.isEmpty()) {
            return "";
        }
        TraceStep s = step.get();
        Object key = s instanceof RuleStep r ? r.rule() : s;
        String label = labels.get(key);
        if (label == null) {
            label = Labels.step(s);
            labels.put(key, label);
        }
        return label;
    }
}
