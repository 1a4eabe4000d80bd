package io.pktpath.core.analysis;

import io.pktpath.core.conntrack.FlowCarriers;
import io.pktpath.core.conntrack.FlowTunnel;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.TunnelTie;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Learns from the traces of tunnel frames which flows are an overlay tunnel's carrier flows and which inner flows each
 * carried, and so which carrier flows carried each inner flow (a carrier frame's tie names the inner frame, the inner
 * frame's tie the carrier frame, whichever comes first).
 */
final class TunnelFlows {
    /** How many carrier flows are kept (the rest are not marked). */
    static final int MAX_CARRIERS = 200_000;
    /** How many carried (inner) flows are kept (the rest are not marked). */
    static final int MAX_CARRIED = 200_000;
    /** How many frames of one side of a tie wait for the trace of the other side. */
    static final int PENDING = 1024;

    private final Map<Long, Carrier> carriers = new HashMap<>();
    private final Map<Long, Carried> carried = new HashMap<>();
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
                    link(t.flowId(), inner);
                } else {
                    carrierByFrame.put(frame, t.flowId());
                }
            }
        } else if (t.flowId() > 0 && tie.frame() > 0) {
            Long carrier = carrierByFrame.remove(tie.frame());
            if (carrier != null) {
                link(carrier, t.flowId());
            } else {
                innerByFrame.put(frame, t.flowId());
            }
        }
    }

    /** Notes that carrier flow {@code carrier} (known) carried a packet of flow {@code inner}. */
    private void link(long carrier, long inner) {
        carriers.get(carrier).add(inner);
        Carried c = carried.get(inner);
        if (c == null) {
            if (carried.size() >= MAX_CARRIED) {
                return;
            }
            c = new Carried();
            carried.put(inner, c);
        }
        c.add(carrier);
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
        carriers.forEach((id, c) -> out.put(id, new FlowTunnel(c.tunnel, List.copyOf(c.inner), c.more)));
        return out;
    }

    /**
     * The carried flows seen, by flow id (in id order), each with its carrier flows; the tunnel named is that of its
     * carriers kept, in their id order ("VXLAN (VNI 1)", or "VXLAN (VNI 1) and Geneve (VNI 7)" when they differ).
     */
    Map<Long, FlowCarriers> carried() {
        Map<Long, FlowCarriers> out = new TreeMap<>();
        carried.forEach((id, c) -> {
            String tunnel = c.carriers.stream().map(k -> carriers.get(k).tunnel).distinct()
                    .collect(Collectors.joining(" and "));
            out.put(id, new FlowCarriers(tunnel, List.copyOf(c.carriers), c.more));
        });
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

    /** One carried flow: the lowest ids of the carrier flows that carried its packets. */
    private static final class Carried {
        private final TreeSet<Long> carriers = new TreeSet<>();
        private boolean more;

        void add(long id) {
            if (carriers.add(id) && carriers.size() > FlowCarriers.MAX_CARRIERS) {
                carriers.pollLast();
                more = true;
            }
        }
    }
}
