package io.pktpath.core.replay;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Tuple;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Forwarded packets the capture shows only leaving (their incoming copy is on an interface it lacks), by the tuple of
 * the packets that answer them, with their frame: the latest {@link #MAX}.
 */
final class LeftUnseen {
    static final int MAX = 1 << 16;

    private final Map<Tuple, Long> byAnswer = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Tuple, Long> eldest) {
            return size() > MAX;
        }
    };

    /** Remembers a packet seen only leaving in {@code frame} (one without ports is not answered by a tuple). */
    void remember(Packet leaving, long frame) {
        if (leaving.hasPorts()) {
            byAnswer.put(leaving.tuple().inverse(), frame);
        }
    }

    /** The frame of the packet seen only leaving that {@code p} answers, or 0 when none. */
    long answeredBy(Packet p) {
        if (byAnswer.isEmpty() || !p.hasPorts()) {
            return 0;
        }
        Long frame = byAnswer.get(p.tuple());
        return frame == null ? 0 : frame;
    }
}
