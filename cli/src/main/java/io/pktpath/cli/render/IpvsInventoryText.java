package io.pktpath.cli.render;

import io.pktpath.parser.ipvs.IpvsMode;
import io.pktpath.parser.ipvs.RealServer;
import io.pktpath.parser.ipvs.VirtualService;
import java.io.PrintStream;

/**
 * The IPVS part of {@code rules check}: whether kube-proxy runs in IPVS mode and why, and each virtual service of the
 * ipvsadm file with its real servers; nothing for a node without IPVS.
 */
public final class IpvsInventoryText {
    private IpvsInventoryText() {
    }

    public static void render(IpvsMode ipvs, PrintStream out) {
        if (!ipvs.detected() && ipvs.table().isEmpty()) {
            return;
        }
        out.println("ipvs: " + (ipvs.detected() ? "kube-proxy IPVS mode (detected, not replayed: IPVS_NOT_REPLAYED)"
                : "no virtual service"));
        ipvs.evidence().forEach(e -> out.println("  evidence: " + e));
        ipvs.table().ifPresent(t -> {
            out.println("  virtual services: " + t.services().size() + " (" + t.file() + "), real servers: "
                    + t.realServerCount());
            for (VirtualService s : t.services()) {
                out.println("    " + s.name() + " " + s.scheduling() + " (line " + s.line() + "): "
                        + s.realServers().size() + " real server" + (s.realServers().size() == 1 ? "" : "s"));
                for (RealServer r : s.realServers()) {
                    out.println("      -> " + r.endpoint() + " " + r.forward().word() + " weight " + r.weight());
                }
            }
        });
    }
}
