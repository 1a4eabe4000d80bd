package io.pktpath.core.findings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Findings from what the capture shows: ICMP errors, hairpins, stray RSTs, rule/capture disagreements, retransmits. */
final class TrafficFindings {
    private TrafficFindings() {
    }

    static List<Finding> icmp(TrafficTracker t) {
        List<Finding> out = new ArrayList<>();
        for (TrafficTracker.IcmpGroup g : t.icmp.values()) {
            List<String> evidence = new ArrayList<>();
            evidence.add(g.frames.describe() + ": " + g.kind + " from " + g.sender);
            evidence.addAll(g.quotes);
            if (g.fragNeeded) {
                evidence.add("the quoted packets were larger than the MTU of a link on their path; the sender must "
                        + "lower its packet size (path MTU discovery) or the connection stalls when the error is filtered");
                out.add(new Finding(Codes.ICMP_FRAG_NEEDED, FindingSeverity.WARNING, "Packets too big for the path: "
                        + g.frames.count() + " " + g.kind + " from " + g.sender, g.frames.frames(), List.of(), evidence,
                        "Match the MTUs along the path (pod/overlay MTU = underlay MTU minus encapsulation, e.g. 1450 "
                                + "for VXLAN on 1500), make sure ICMP 'fragmentation needed' reaches the sender, or clamp "
                                + "TCP MSS (-j TCPMSS --clamp-mss-to-pmtu)",
                        "high: the capture shows the error and the packet it quotes"));
            } else {
                out.add(new Finding(Codes.ICMP_ERROR, FindingSeverity.WARNING, g.frames.count() + " ICMP error(s) "
                        + g.kind + " from " + g.sender, g.frames.frames(), List.of(), evidence,
                        "Look at the quoted packet's destination: the error says where and why it could not be delivered",
                        "high: the capture shows the error; the replay did not tie it to a rule or route on this node"));
            }
        }
        return out;
    }

    static List<Finding> hairpins(TrafficTracker t) {
        List<Finding> out = new ArrayList<>();
        for (TrafficTracker.Hairpin h : t.hairpins.values()) {
            List<String> evidence = new ArrayList<>();
            evidence.add(h.frames.describe() + ": source and destination are both " + h.endpoint.split(":")[0]
                    + " after DNAT, and no MASQUERADE/SNAT changed the source");
            if (!h.before.isEmpty()) {
                evidence.add(h.before);
            }
            evidence.add("the pod receives a packet from its own address and answers itself directly, never through "
                    + "the node, so the reply is not de-NATed and the client's connection to the service never completes");
            out.add(new Finding(Codes.HAIRPIN_NO_MASQ, FindingSeverity.ERROR, "Hairpin without masquerade: "
                    + h.endpoint + " reaches itself through a service and gets no answer", h.frames.frames(), List.of(),
                    evidence, "Masquerade hairpin traffic: kube-proxy's '-s <endpoint> -j KUBE-MARK-MASQ' in each "
                            + "KUBE-SEP chain (with --masquerade-all or a correct cluster CIDR), hairpin mode on the "
                            + "bridge port (kubelet --hairpin-mode=hairpin-veth/promiscuous-bridge) for bridge CNIs",
                    "high: the capture shows the packet after DNAT with source == destination and the replay found no "
                            + "SNAT for it"));
        }
        return out;
    }

    static List<Finding> resets(TrafficTracker t) {
        if (t.resets.isEmpty()) {
            return List.of();
        }
        List<Long> frames = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        for (String[] r : t.resets) {
            if (frames.size() < 8) {
                frames.add(Long.parseLong(r[0]));
                frames.add(Long.parseLong(r[3]));
            }
            if (evidence.size() < 5) {
                evidence.add(r[1] + " matched no connection conntrack knew (picked up mid-stream or INVALID) and "
                        + "passed; the peer answered with " + r[2]);
            }
        }
        return List.of(new Finding(Codes.OUT_OF_WINDOW_RST, FindingSeverity.WARNING, t.resets.size()
                + " packet(s) outside any known connection were let through and answered with RST", frames, List.of(),
                evidence, "Drop packets in state INVALID before they reach the peer (iptables -A FORWARD -m conntrack "
                        + "--ctstate INVALID -j DROP, as kube-proxy does) and find why they fall outside the "
                        + "connection: asymmetric routing, an expired or flushed conntrack entry",
                "medium: the RST follows the stray packet on the reverse tuple; the peer's reason is not visible"));
    }

    /** Frames whose observed egress the rules do not predict, except those of racing clients (explained by the race). */
    static List<Finding> mismatches(TrafficTracker t, Set<String> raceClients) {
        List<Long> frames = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        long count = 0;
        for (Map.Entry<Long, String[]> m : t.mismatches.entrySet()) {
            String[] ends = m.getValue()[0].split(" > ");
            if (raceClients.contains(ends[0]) || ends.length > 1 && raceClients.contains(ends[1])) {
                continue;
            }
            count++;
            if (frames.size() < 8) {
                frames.add(m.getKey());
                evidence.add("frame " + m.getKey() + ": " + m.getValue()[1]);
            }
        }
        if (count == 0) {
            return List.of();
        }
        return List.of(new Finding(Codes.REPLAY_MISMATCH, FindingSeverity.WARNING, count
                + " frame(s) left the node with a NAT or interface the bundle's rules do not predict", frames, List.of(),
                evidence, "Check that the bundle was taken on this node at the time of the capture (rules, routes, "
                        + "conntrack -L), and look for state the dump does not hold: existing conntrack entries, ipsets, "
                        + "nft tables, eBPF",
                "medium: random NAT choices, conntrack entries older than the capture or a stale dump can each explain "
                        + "it"));
    }

    static List<Finding> retransmits(List<RetransmitTracker.Segment> repeats, Set<String> overlayIfaces) {
        List<Finding> out = new ArrayList<>();
        List<RetransmitTracker.Segment> syns = repeats.stream().filter(s -> s.syn).toList();
        if (!syns.isEmpty()) {
            List<Long> frames = new ArrayList<>();
            List<String> evidence = new ArrayList<>();
            for (RetransmitTracker.Segment s : syns) {
                if (evidence.size() < 5) {
                    evidence.add(s.tuple().substring(s.tuple().indexOf(' ') + 1) + ": SYN " + s.frames().describe()
                            + ", repeated " + RetransmitTracker.offsets(s) + " after the first (Linux RTO: 1 s, 3 s, 7 s...)");
                    frames.addAll(s.frames().frames());
                }
            }
            out.add(new Finding(Codes.SYN_RETRANSMIT, FindingSeverity.WARNING, syns.size()
                    + " connection attempt(s) had to retransmit their SYN", frames.subList(0, Math.min(16, frames.size())),
                    List.of(), evidence, "Find where the first SYN or its SYN-ACK was lost: a drop further on, an "
                            + "unresponsive server, or a conntrack insert failure (SNAT port race) on this node",
                    "medium: the capture shows the repeats; this node's replay found no drop for them"));
        }
        List<RetransmitTracker.Segment> overlay = repeats.stream()
                .filter(s -> !s.syn && s.repeats() >= 3 && overlayIfaces.contains(s.iface)).toList();
        for (RetransmitTracker.Segment s : overlay.subList(0, Math.min(overlay.size(), 3))) {
            out.add(new Finding(Codes.OVERLAY_RETRANSMIT, FindingSeverity.ERROR, "Overlay flow " + s.tuple().substring(
                    s.tuple().indexOf(' ') + 1) + " retransmitted " + s.repeats() + " times over " + Text.seconds(s.span()),
                    s.frames().frames(), List.of(), List.of("segment seq " + s.seq + " on overlay interface " + s.iface
                            + " sent " + (s.repeats() + 1) + " times: " + RetransmitTracker.offsets(s)
                            + (s.span() >= 30_000_000_000L ? "; about a minute of backoff matches the known 63-second "
                            + "VXLAN bad-checksum signature" : "")),
                    "If the VXLAN device offloads checksums on a kernel/NIC with the bad-checksum bug, disable it: "
                            + "ethtool -K <vxlan dev> tx-checksum-ip-generic off (Flannel/Calico fix)",
                    "medium: the retransmissions are in the capture; the checksum itself is not verified here"));
        }
        return out;
    }
}
