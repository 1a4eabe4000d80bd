package io.pktpath.core.analysis;

import io.pktpath.core.conntrack.FlowTunnel;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.TunnelTie;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Learns from the traces of tunnel frames which flows are an overlay tunnel's carrier flows and which inner flows each
 * carried (a carrier frame's tie names the inner frame, the inner frame's tie the carrier frame, whichever comes first).
 */
final class TunnelFlows {
    /** How many carrier flows are kept (the rest are not marked). */
    static final int MAX_CARRIERS = 200_000;
    /** How many frames of one side of a tie wait for the trace of the other side. */
    static final int PENDING = 1024;

    private final Map<Long, Carrier> carriers = new HashMap<>();
    /** Carrier flow ids by the carrier frame, until the inner frame's trace names that frame. */
    private final Map<Long, Long> carrierByFrame = bounded();
    /** Inner flow ids by the inner frame, until the carrier frame's trace names that frame. */
    private final Map<Long, Long> innerByFrame = bounded();

    /** Takes in the trace {@code t} of a frame tied to a tunnel. */
    void accept(PacketTrace t) {
        TunnelTie tie = t.tunnel().orElseThrow();
        long frame = t.packet().frame();
        if (tie.carrier()) {
            if (t.flowId() <= 0 || !carrier(t.flowId(), tie.tunnel())) {
                return;
            }
            if (tie.frame() > 0) {
                Long inner = innerByFrame.remove(tie.frame());
                if (inner != null) {
                    carriers.get(t.flowId()).add(inner);
                } else {
                    carrierByFrame.put(frame, t.flowId());
                }
            }
        } else if (t.flowId() > 0 && tie.frame() > 0) {
            Long carrier = carrierByFrame.remove(tie.frame());
            if (carrier != null) {
                carriers.get(carrier).add(t.flowId());
            } else {
                innerByFrame.put(frame, t.flowId());
            }
        }
    }

    /** Whether flow {@code id} is (now) known as a carrier of {@code tunnel}'s packets. */
    private boolean carrier(long id, String tunnel) {
        if (!carriers.containsKey(id)) {
            if (carriers.size() >= MAX_CARRIERS) {
                return false;
            }
            carriers.put(id, new Carrier(tunnel));
        }
        return true;
    }

    /** The carrier flows seen, by flow id (in id order). */
    Map<Long, FlowTunnel> tunnels() {
        Map<Long, FlowTunnel> out = new TreeMap<>();
        carriers.forEach((id, c) -> out.put(id, new FlowTunnel(c.tunnel, java.util.List.copyOf(c.inner), c.more)));
        return out;
    }

    private static Map<Long, Long> bounded() {
        return new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
                return size() > PENDING;
            }
        };
    }

    /** One carrier flow: its tunnel (the first frame's) and the lowest inner flow ids it carried. */
    private static final class Carrier {
        private final String tunnel;
        private final TreeSet<Long> inner = new TreeSet<>();
        private boolean more;

        Carrier(String tunnel) {
            this.tunnel = tunnel;
        }

        void add(long id) {
            if (inner.contains(id)) {
                return;
            }
            inner.add(id);
            if (inner.size() > FlowTunnel.MAX_INNER) {
                inner.pollLast();
                more = true;
            }
        }
    }
}
