package io.pktpath.gui.session;

import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Which frames matched each rule, collected from the rule steps of the traces as they stream (frame order). */
public final class RuleFrames {
    private final Map<RuleRef, long[]> frames = new HashMap<>();
    private final Map<RuleRef, Integer> sizes = new HashMap<>();

    /** Adds the frame of {@code trace} to every rule it matched (once per rule). */
    public void add(PacketTrace trace) {
        Set<RuleRef> seen = new HashSet<>();
        for (TraceStep step : trace.path()) {
            if (step instanceof RuleStep r && seen.add(r.rule())) {
                append(r.rule(), trace.packet().frame());
            }
        }
    }

    private void append(RuleRef rule, long frame) {
        long[] a = frames.computeIfAbsent(rule, k -> new long[4]);
        int n = sizes.getOrDefault(rule, 0);
        if (n == a.length) {
            a = Arrays.copyOf(a, n * 2);
            frames.put(rule, a);
        }
        a[n] = frame;
        sizes.put(rule, n + 1);
    }

    /** The frames that matched {@code rule}, ascending (empty when none). */
    public long[] of(RuleRef rule) {
        long[] a = frames.get(rule);
        return a == null ? new long[0] : Arrays.copyOf(a, sizes.get(rule));
    }
}
