package io.pktpath.gui.session;

import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;

import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Which frames matched each rule, collected from the rule steps of the traces as they stream (frame order). */
public final class RuleFrames {
    /** The frames of one rule, ascending. */
    private static final class Frames {
        private long[] frames = new long[4];
        private int size;

        /** Adds {@code frame} unless it is the last one added (a rule met twice on one frame's path counts once). */
        void add(long frame) {
            if (size > 0 && frames[size - 1] == frame) {
                return;
            }
            if (size == frames.length) {
                frames = Arrays.copyOf(frames, size * 2);
            }
            frames[size++] = frame;
        }
    }

    private final Map<RuleRef, Frames> byRule = new HashMap<>();
    /**
     * The same lists by the identity of the rule's reference: a replay's steps share one reference per rule, so adding
     * a frame finds its list without hashing the reference (its text and place in the file) again.
     */
    private final Map<RuleRef, Frames> byIdentity = new IdentityHashMap<>();

    /** Adds the frame of {@code trace} to every rule it matched (once per rule); traces come in frame order. */
    public void add(PacketTrace trace) {
        long frame = trace.packet().frame();
        List<TraceStep> path = trace.path();
        for (int i = 0; i < path.size(); i++) {
            if (path.get(i) instanceof RuleStep step) {
                framesOf(step.rule()).add(frame);
            }
        }
    }

    private Frames framesOf(RuleRef rule) {
        Frames f = byIdentity.get(rule);
        if (f == null) {
            f = byRule.computeIfAbsent(rule, k -> new Frames());
            byIdentity.put(rule, f);
        }
        return f;
    }

    /** The frames that matched {@code rule}, ascending (empty when none). */
    public long[] of(RuleRef rule) {
        Frames f = byRule.get(rule);
        return f == null ? new long[0] : Arrays.copyOf(f.frames, f.size);
    }
}
