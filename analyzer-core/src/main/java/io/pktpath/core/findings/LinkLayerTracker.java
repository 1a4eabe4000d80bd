package io.pktpath.core.findings;

import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.linklayer.LinkLayerTool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The frames that crossed the hooks of the bundle's ebtables and arptables rules, the evidence of
 * EBTABLES_NOT_REPLAYED and ARPTABLES_NOT_REPLAYED: per bridge, the frames the capture shows arriving on or leaving
 * through its ports (every one crossed the bridge's PREROUTING and INPUT or FORWARD, or OUTPUT or FORWARD and
 * POSTROUTING), and the ARP packets the node received or sent on interfaces that are not bridge ports (arptables'
 * INPUT and OUTPUT). Memory is bounded ({@link FrameSample}).
 */
final class LinkLayerTracker {
    /** Bridge port -> its bridge. */
    private final Map<String, String> bridgeOfPort;
    final Map<String, List<String>> bridges;
    final Map<String, FrameSample> arrived = new LinkedHashMap<>();
    final Map<String, FrameSample> left = new LinkedHashMap<>();
    final FrameSample arpIn = new FrameSample();
    final FrameSample arpOut = new FrameSample();
    private final boolean ebtables;
    private final boolean arptables;

    LinkLayerTracker(Bundle bundle) {
        this.ebtables = bundle.linkLayer(LinkLayerTool.EBTABLES).isPresent();
        this.arptables = bundle.linkLayer(LinkLayerTool.ARPTABLES).isPresent();
        this.bridges = ebtables || arptables ? Bridges.of(bundle) : Map.of();
        this.bridgeOfPort = Bridges.byPort(bridges);
    }

    boolean active() {
        return ebtables || arptables;
    }

    void accept(PacketTrace t) {
        String iface = t.packet().iface();
        String dir = t.packet().dir();
        String bridge = bridgeOfPort.get(iface);
        if (bridge != null) {
            if (ebtables && (dir.equals("in") || dir.equals("out"))) {
                (dir.equals("in") ? arrived : left).computeIfAbsent(bridge, k -> new FrameSample())
                        .add(t.packet().frame());
            }
        } else if (arptables && Bridges.isArp(t.packet())) {
            if (dir.equals("in")) {
                arpIn.add(t.packet().frame());
            } else if (dir.equals("out")) {
                arpOut.add(t.packet().frame());
            }
        }
    }
}
