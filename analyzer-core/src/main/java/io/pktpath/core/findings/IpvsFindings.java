package io.pktpath.core.findings;

import io.pktpath.parser.ipvs.IpvsMode;
import io.pktpath.parser.ipvs.RealServer;
import io.pktpath.parser.ipvs.VirtualService;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * IPVS_NOT_REPLAYED: the node runs kube-proxy in IPVS mode, which pktpath has no model of; says how that was detected,
 * which replayed frames went to a virtual address (and, when ipvsadm names the service, which real servers the kernel's
 * IPVS would have chosen among), and that those frames are shown as netfilter and routing handle them without IPVS.
 */
final class IpvsFindings {
    /** Real servers named per service; the rest are counted. */
    private static final int SHOWN_SERVERS = 6;

    private IpvsFindings() {
    }

    static List<Finding> of(IpvsTracker tracker) {
        if (!tracker.active()) {
            return List.of();
        }
        IpvsMode mode = tracker.mode;
        List<String> evidence = new ArrayList<>();
        mode.evidence().forEach(e -> evidence.add("IPVS mode: " + e));
        List<String> rules = new ArrayList<>();
        String file = mode.table().map(t -> t.file()).orElse("");
        List<IpvsTracker.Target> hit = tracker.hit();
        for (IpvsTracker.Target t : hit) {
            if (t.service.isPresent()) {
                VirtualService s = t.service.get();
                rules.add(file + ":" + s.line() + " " + s.name() + " " + s.scheduling());
                evidence.add(t.frames.describe() + " to virtual service " + s.name() + ": " + destination(s));
            } else {
                evidence.add(t.frames.describe() + " to " + t.address + ", an address of " + IpvsMode.DUMMY
                        + (mode.table().isPresent() ? " that no virtual service of " + file + " names for its protocol "
                        + "and port" : " (no ipvsadm -Ln in the bundle: the virtual service and its real servers are unknown)"));
            }
        }
        if (hit.isEmpty()) {
            evidence.add("no replayed frame went to an IPVS virtual address" + (mode.table().isPresent()
                    || !mode.dummyAddresses().isEmpty() ? "" : " (the virtual addresses are unknown: neither ipvsadm -Ln "
                    + "nor addresses on " + IpvsMode.DUMMY + " are in the bundle)"));
        } else {
            String shown = tracker.dispositions.entrySet().stream().map(e -> e.getValue() + " " + e.getKey().words())
                    .collect(Collectors.joining(", "));
            evidence.add("pktpath shows these frames as netfilter and routing handle them without IPVS (" + shown
                    + "; a virtual address is local, so a packet no rule rewrites is delivered locally); the node's "
                    + "IPVS rewrote their destination to a real server and forwarded them there");
        }
        Set<Long> frames = new LinkedHashSet<>(tracker.all.frames());
        String title = hit.isEmpty()
                ? "The node runs kube-proxy in IPVS mode, which pktpath does not replay"
                : "The node runs kube-proxy in IPVS mode, which pktpath does not replay: " + tracker.all.describe()
                        + " to IPVS virtual addresses are shown without IPVS";
        return List.of(new Finding(Codes.IPVS_NOT_REPLAYED, FindingSeverity.WARNING, title,
                frames.stream().sorted().toList(), rules, evidence,
                "Read what IPVS did with ipvsadm -Lnc (its connection table) on the node, or trace the real server's side;"
                        + " pktpath replays iptables, nftables, routing and conntrack only, and has no IPVS model "
                        + "(IPVS could not be recorded to check one against)",
                "high that the node runs IPVS (" + String.join("; ", mode.evidence()) + ") and that these frames went to "
                        + "its virtual addresses; which real server IPVS chose is not known"));
    }

    /** {@code the kernel's IPVS would have sent it to one of 10.244.1.5:8080, 10.244.2.7:8080 (rr, masq)}. */
    static String destination(VirtualService s) {
        List<RealServer> servers = s.realServers();
        if (servers.isEmpty()) {
            return "the service has no real server, so the kernel's IPVS would have dropped it (" + s.scheduling() + ")";
        }
        String names = servers.stream().limit(SHOWN_SERVERS).map(RealServer::endpoint).collect(Collectors.joining(", "))
                + (servers.size() > SHOWN_SERVERS ? " and " + (servers.size() - SHOWN_SERVERS) + " more" : "");
        String forward = servers.stream().map(r -> r.forward().word()).distinct().collect(Collectors.joining("/"));
        return "the kernel's IPVS would have sent " + (servers.size() == 1 ? "them to " + names
                : "each to one of " + names) + " (" + s.scheduling() + ", " + forward + ")";
    }
}
