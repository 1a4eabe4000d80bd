package io.pktpath.core.verify;

import java.util.List;
import java.util.Objects;

/**
 * One disagreement between the kernel and pktpath about a packet: the capture frame, the kernel trace id and where in
 * the trace log (file:line) its PACKET line is, the aspect ({@code steps}, {@code nat}, {@code egress}), both sides' words at the first point where
 * they part, and (for steps) the whole listing side by side.
 */
public record Difference(long frame, String traceId, String kernelLine, String aspect, String kernel, String pktpath,
                         List<StepRow> rows) {
    public Difference {
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(kernelLine, "kernelLine");
        Objects.requireNonNull(aspect, "aspect");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(pktpath, "pktpath");
        rows = List.copyOf(rows);
    }

    /** {@code frame 7 steps: kernel "..." vs pktpath "..."}, the identity of a difference for known-difference lists. */
    public String key() {
        return "frame " + frame + " " + aspect + ": kernel \"" + kernel + "\" vs pktpath \"" + pktpath + "\"";
    }
}
