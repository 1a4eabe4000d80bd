package io.pktpath.core.findings;

import io.pktpath.core.trace.Alternative;
import io.pktpath.core.trace.ConntrackStep;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Remembers, per UDP connection, what the race finding needs once the replay has named the racing pairs: whether each
 * NEW datagram left the node (and where), the DNAT branches its service offers, and the repeats of the query.
 */
final class UdpRaceTracker {
    private static final int MAX = 50_000;

    /**
     * A UDP datagram in the original direction (the last {@code MAX} kept): frame, time, whether the capture shows it
     * leaving, the observed egress when it differs from the replay's, the endpoint its DNAT chose with where it left
     * ({@code DEV as TUPLE}, empty without DNAT), and the device the replay sent it out of (empty when none).
     */
    record NewDatagram(long frame, long timeNanos, String tuple, boolean left, String observedEgress, String endpoint,
                       String leftAs, String egressDev) {
        /** True if both went through DNAT to endpoints that differ. */
        boolean otherEndpointThan(NewDatagram earlier) {
            return !endpoint.isEmpty() && !earlier.endpoint.isEmpty() && !endpoint.equals(earlier.endpoint);
        }
    }

    private final Map<Long, NewDatagram> news = bounded();
    /** Tuple -> times the client sent on it (first few). */
    private final Map<String, List<Long>> sends = bounded();
    /** Original destination (service) -> its DNAT branches with probabilities. */
    final Map<String, String> branches = new LinkedHashMap<>();

    private static <K, V> Map<K, V> bounded() {
        return new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > MAX;
            }
        };
    }

    /** Takes one trace and its path's conntrack lookup ({@link PacketTrace#firstConntrackStep}). */
    void accept(PacketTrace t, ConntrackStep ct) {
        PacketSummary p = t.packet();
        if (p.proto() != 17 || !Packets.walked(t)) {
            return;
        }
        String tuple = Packets.tupleKey(p);
        List<Long> times = sends.computeIfAbsent(tuple, k -> new ArrayList<>());
        if (times.size() < 8) {
            times.add(p.timeNanos());
        }
        if (ct == null || ct.reply() || ct.state() != CtState.NEW && ct.state() != CtState.ESTABLISHED) {
            return;
        }
        String observed = "";
        for (String note : t.notes()) {
            int i = note.indexOf("looks like this packet leaving on ");
            if (i >= 0) {
                int end = note.indexOf(", but", i);
                observed = note.substring(i + "looks like this packet leaving on ".length(), end < 0 ? note.length() : end);
            }
        }
        boolean left = !t.correlated().isEmpty() || !observed.isEmpty();
        String endpoint = "";
        String leftAs = "";
        if (t.nat().isPresent() && t.nat().get().changed()) {
            var after = t.nat().get().after();
            endpoint = after.dst() + ":" + after.dport();
            leftAs = t.route().map(r -> r.dev()).orElse("") + " as " + after;
        }
        news.put(p.frame(), new NewDatagram(p.frame(), p.timeNanos(), tuple, left, observed, endpoint, leftAs,
                t.route().map(r -> r.dev()).orElse("")));
        if (!t.alternatives().isEmpty()) {
            String dst = p.dst().map(Object::toString).orElse("?") + ":" + p.dport();
            branches.computeIfAbsent(dst, k -> describe(t.alternatives()));
        }
    }

    private static String describe(List<Alternative> alts) {
        List<String> parts = new ArrayList<>();
        for (Alternative a : alts) {
            String to = a.nat().map(n -> n.after().dst() + ":" + n.after().dport()).orElse("no DNAT");
            String prob = Double.isNaN(a.probability()) ? "probability unknown"
                    : String.format(Locale.ROOT, "p=%.2f", a.probability());
            parts.add(to + " (" + prob + ")");
        }
        return String.join(", ", parts);
    }

    Optional<NewDatagram> datagram(long frame) {
        return Optional.ofNullable(news.get(frame));
    }

    /** Sends on the same tuple 4 to 6 s after {@code nanos}: the resolver's retry after its 5 s timeout. */
    List<Long> retriesAfter(String tuple, long nanos) {
        List<Long> out = new ArrayList<>();
        for (long t : sends.getOrDefault(tuple, List.of())) {
            long gap = t - nanos;
            if (gap >= 4_000_000_000L && gap <= 6_000_000_000L) {
                out.add(gap);
            }
        }
        return out;
    }
}
