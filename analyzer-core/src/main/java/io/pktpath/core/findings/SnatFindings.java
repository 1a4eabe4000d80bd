package io.pktpath.core.findings;

import io.pktpath.core.trace.PacketSummary;
import io.pktpath.parser.bundle.Bundle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** SNAT source-port race (§8.2): the collisions the capture shows, and the exposure the rules and traffic predict. */
final class SnatFindings {
    private static final String FIX = "Add --random-fully to the MASQUERADE/SNAT rule (iptables 1.6.2+, kernel 3.14+; "
            + "kube-proxy and Flannel add it when supported) so the NAT port is random from the first packet";

    private SnatFindings() {
    }

    static List<Finding> collisions(List<SnatTracker.Pair> all, List<RetransmitTracker.Segment> repeats, Bundle bundle) {
        List<SnatTracker.Pair> pairs = all.stream().filter(p -> p.egress.size() == 1).toList();
        if (pairs.isEmpty()) {
            return List.of();
        }
        Counters counters = Counters.of(bundle);
        TreeSet<Long> frames = new TreeSet<>();
        List<String> evidence = new ArrayList<>();
        TreeSet<String> rules = new TreeSet<>();
        int lost = 0;
        int shown = 0;
        for (SnatTracker.Pair p : pairs) {
            frames.add(p.earlier.frame());
            frames.add(p.later.frame());
            rules.add(p.rule.label() + " (" + p.rule.span() + "): " + p.rule.text());
            boolean seenBoth = p.egress.size() >= 2;
            if (!seenBoth) {
                lost++;
            }
            if (shown++ < 5) {
                evidence.add(describe(p, seenBoth, repeats));
            }
        }
        evidence.add(0, pairs.size() + " pair(s) of new connections from different sources, same source port, same "
                + "destination, within " + Text.seconds(SnatTracker.SIMULTANEOUS_NANOS) + ", MASQUERADEd/SNATed to one "
                + "address: both keep the port, so their reply tuples are identical and the second insert fails");
        if (all.size() > pairs.size()) {
            evidence.add(all.size() - pairs.size() + " other simultaneous pair(s) both left the node (one was confirmed "
                    + "first and the other got a new port, or the capture does not show the egress side)");
        }
        evidence.add(counters.describe());
        boolean confirmed = counters.present() && counters.insertFailed() > 0;
        return List.of(new Finding(Codes.SNAT_PORT_COLLISION, FindingSeverity.ERROR,
                "SNAT port collision: " + lost + " packet(s) lost when two connections raced for one NAT port", List.copyOf(frames).subList(0, Math.min(16, frames.size())),
                List.copyOf(rules), evidence, FIX,
                (confirmed ? "high: insert_failed moved in the bundle's conntrack -S" : "medium: conntrack -S does not "
                        + "confirm it") + "; the capture shows both sides of the NAT and " + lost
                        + " second packet(s) missing on the way out"));
    }

    private static String describe(SnatTracker.Pair p, boolean seenBoth, List<RetransmitTracker.Segment> repeats) {
        StringBuilder sb = new StringBuilder();
        sb.append(Text.frame(p.earlier)).append(" and ").append(Text.frame(p.later)).append(", ")
                .append(Text.micros(p.later.timeNanos() - p.earlier.timeNanos())).append(" apart, both to ")
                .append(p.destination).append(" from port ").append(p.port).append(" via ").append(p.natAddress);
        if (seenBoth) {
            sb.append("; both left the node");
        } else if (p.egress.isEmpty()) {
            sb.append("; neither is seen leaving the node");
        } else {
            PacketSummary out = p.egress.get(0);
            sb.append("; only frame ").append(out.frame()).append(" (").append(Text.endpoints(out)).append(") left the node");
        }
        String later = Packets.tupleKey(p.later);
        for (RetransmitTracker.Segment s : repeats) {
            if (s.tuple().equals(later) && s.syn) {
                sb.append("; the SYN was retransmitted ").append(RetransmitTracker.offsets(s)).append(" later");
            }
        }
        return sb.toString();
    }

    static List<Finding> exposure(Map<String, SnatTracker.Exposure> exposures) {
        List<Finding> out = new ArrayList<>();
        for (SnatTracker.Exposure e : exposures.values()) {
            List<String> evidence = new ArrayList<>();
            int shared = 0;
            for (Map.Entry<String, Set<String>> d : e.sourcesByDestination.entrySet()) {
                if (d.getValue().size() >= 2) {
                    shared++;
                    if (evidence.size() < 5) {
                        evidence.add(d.getValue().size() + " sources (" + String.join(", ", d.getValue())
                                + ") connect to " + d.getKey().substring(d.getKey().indexOf(' ') + 1) + " through this rule");
                    }
                }
            }
            if (shared == 0) {
                continue;
            }
            evidence.add(0, "rule " + e.rule.label() + " (" + e.rule.span() + ") has no --random-fully: " + e.rule.text());
            out.add(new Finding(Codes.SNAT_PORT_EXPOSURE, FindingSeverity.WARNING, "SNAT port race possible: "
                    + e.rule.label() + " maps several sources to one address without --random-fully",
                    e.frames.frames(), List.of(e.rule.label() + ": " + e.rule.text()), evidence, FIX,
                    "medium: the rule and the traffic allow the race; it happens only when two sources pick the same "
                            + "source port towards the same destination within microseconds"));
        }
        return out;
    }
}
