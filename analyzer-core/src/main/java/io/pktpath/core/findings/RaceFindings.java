package io.pktpath.core.findings;

import io.pktpath.core.conntrack.RaceEvidence;
import io.pktpath.parser.bundle.Bundle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/** The UDP same-tuple insert race (§8.1) as one finding: the racing pairs, the DNAT branches, the capture, counters, kernel. */
final class RaceFindings {
    private static final String MITIGATIONS = "Avoid same-socket parallel queries: resolv.conf 'options "
            + "single-request-reopen' (glibc; musl ignores it) or 'use-vc' (DNS over TCP, no UDP clash), deploy NodeLocal "
            + "DNSCache (NOTRACK + TCP upstream, no DNAT race), or run a kernel >= 5.6 where clashes with different NAT are "
            + "resolved; --random-fully does not help this race";

    private RaceFindings() {
    }

    /**
     * The finding of the same-tuple pairs among {@code races}, but for pairs whose first datagram the capture shows
     * answered (its reply leaving towards the client, from an interface the capture lacks) before the second was sent:
     * conntrack had the reply, the replay did not, and no race was possible.
     */
    static List<Finding> udp(List<RaceEvidence> races, UdpRaceTracker udp, Bundle bundle, CaptureCoverage coverage) {
        List<RaceEvidence> same = races.stream().filter(r -> r.kind() == RaceEvidence.Kind.UDP_SAME_TUPLE)
                .filter(r -> !coverage.answeredBefore(r.earlierOriginal(),
                        udp.datagram(r.laterFrame()).map(d -> d.timeNanos()).orElse(Long.MAX_VALUE)))
                .toList();
        if (same.isEmpty()) {
            return List.of();
        }
        Counters counters = Counters.of(bundle);
        TreeSet<Long> frames = new TreeSet<>();
        List<String> evidence = new ArrayList<>();
        int split = 0;
        int lost = 0;
        List<String> details = new ArrayList<>();
        List<String> retries = new ArrayList<>();
        TreeSet<String> services = new TreeSet<>();
        for (RaceEvidence r : same) {
            frames.add(r.earlierFrame());
            frames.add(r.laterFrame());
            services.add(r.earlierOriginal().dst() + ":" + r.earlierOriginal().dport());
            var later = udp.datagram(r.laterFrame());
            var earlier = udp.datagram(r.earlierFrame());
            // where the second datagram left towards another endpoint: as the capture showed it against the replay's
            // prediction, or as the replay followed it through nat on its own (it raced the first to confirmation)
            String otherEndpoint = later.map(d -> !d.observedEgress().isEmpty() ? d.observedEgress()
                    : d.left() && earlier.isPresent() && d.otherEndpointThan(earlier.get()) ? d.leftAs() : "").orElse("");
            String fate;
            if (!otherEndpoint.isEmpty()) {
                split++;
                fate = "frame " + r.laterFrame() + " left on " + otherEndpoint + ", a different endpoint than frame "
                        + r.earlierFrame();
            } else if (later.isPresent() && !later.get().left() && !coverage.holds(later.get().egressDev())) {
                fate = "frame " + r.laterFrame() + " was sent out of " + later.get().egressDev()
                        + ", which the capture does not hold: whether it left is not known";
            } else if (later.isPresent() && !later.get().left()) {
                lost++;
                fate = "frame " + r.laterFrame() + " never left the node in the capture";
            } else {
                fate = "both left the node";
            }
            if (details.size() < 5) {
                details.add(r.contestedTuple() + ": frames " + r.earlierFrame() + " and " + r.laterFrame() + ", "
                        + Text.micros(r.gapNanos()) + " apart; " + fate);
            }
            later.ifPresent(d -> {
                List<Long> gaps = udp.retriesAfter(d.tuple(), d.timeNanos());
                if (!gaps.isEmpty() && retries.size() < 5) {
                    retries.add(r.contestedTuple() + " was sent again " + Text.seconds(gaps.get(0))
                            + " later: the resolver's retry after its 5 s timeout");
                }
            });
        }
        evidence.add(same.size() + " pair(s) of datagrams with the same 5-tuple reached the node as NEW before the first "
                + "was confirmed (glibc sends A and AAAA back to back from one socket)");
        evidence.addAll(details);
        for (String s : services) {
            String b = udp.branches.get(s);
            if (b != null) {
                evidence.add("DNAT of " + s + " is random: " + b + "; each datagram of a pair may pick a different endpoint");
            }
        }
        if (split > 0) {
            evidence.add(split + " pair(s) were sent to two different endpoints (the capture shows the second datagram "
                    + "leaving towards the other endpoint)");
        }
        if (lost > 0) {
            evidence.add(lost + " second datagram(s) never left the node");
        }
        evidence.addAll(retries);
        evidence.add(counters.describe());
        evidence.add(KernelRaceCase.describe(bundle.kernel()));
        boolean drops = lost > 0 || counters.present() && (counters.insertFailed() > 0 || counters.drop() > 0)
                || KernelRaceCase.mayDrop(bundle.kernel()) && split > 0;
        String title = String.format(Locale.ROOT, "UDP conntrack insert race: %d same-tuple pair(s) to %s%s", same.size(),
                String.join(", ", services), drops ? ", datagrams lost" : ", resolved by the kernel (no loss)");
        String confidence = confidence(counters, split, lost);
        return List.of(new Finding(Codes.RACE_UDP_INSERT, drops ? FindingSeverity.ERROR : FindingSeverity.WARNING, title,
                List.copyOf(frames).subList(0, Math.min(frames.size(), 16)), List.of(), evidence, MITIGATIONS, confidence));
    }

    private static String confidence(Counters c, int split, int lost) {
        if (c.present() && (c.clashResolve() > 0 || c.insertFailed() > 0)) {
            return "high: the kernel's own counters moved (clash_resolve/insert_failed) and the capture shows same-tuple "
                    + "pairs within microseconds" + (split > 0 ? " sent to different endpoints" : "");
        }
        if (split > 0 || lost > 0) {
            return "high: the capture shows the pairs' fate; the bundle's counters do not confirm it";
        }
        return "medium: the timing allows the race, but neither the counters nor the capture prove that the kernel hit it";
    }
}
