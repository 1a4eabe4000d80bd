package io.pktpath.core.findings;

import java.util.LinkedHashMap;
import java.util.Map;

/** Counts a failure group's packets per source address (the first few sources, with the first frame of each). */
final class SourceTally {
    static final int KEEP = 6;

    private final Map<String, long[]> bySource = new LinkedHashMap<>();
    private long others;

    void add(String source, long frame) {
        long[] c = bySource.get(source);
        if (c != null) {
            c[0]++;
        } else if (bySource.size() < KEEP) {
            bySource.put(source, new long[] {1, frame});
        } else {
            others++;
        }
    }

    boolean isEmpty() {
        return bySource.isEmpty();
    }

    /** {@code 172.18.0.11 (2 packets from frame 47), 10.244.1.2 (1 packet from frame 137)}, in order of first frame. */
    String describe() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, long[]> e : bySource.entrySet()) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            long n = e.getValue()[0];
            sb.append(e.getKey()).append(" (").append(n).append(n == 1 ? " packet" : " packets").append(" from frame ")
                    .append(e.getValue()[1]).append(')');
        }
        if (others > 0) {
            sb.append(", and ").append(others).append(" more packet(s) from other sources");
        }
        return sb.toString();
    }
}
