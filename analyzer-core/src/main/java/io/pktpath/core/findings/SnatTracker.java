package io.pktpath.core.findings;

import io.pktpath.core.trace.ConntrackStep;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.NatKind;
import io.pktpath.core.trace.NatStep;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.core.trace.TraceStep;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Watches connections MASQUERADEd/SNATed by this node: which rules without {@code --random-fully} map several sources to
 * one destination (the exposure of §8.2), and pairs of new connections from different sources that kept the same port
 * towards the same destination within a millisecond, with the egress frames the capture shows for them.
 */
final class SnatTracker {
    static final long SIMULTANEOUS_NANOS = 1_000_000L;
    static final long EGRESS_WINDOW_NANOS = 100_000_000L;
    private static final int MAX = 10_000;
    /** nft's {@code fully-random} NAT flag as a word of a statement's flag list. */
    private static final java.util.regex.Pattern FULLY_RANDOM =
            java.util.regex.Pattern.compile("(?:^|[\\s,])fully-random(?:$|[\\s,;])");

    /** A rule that SNATs without --random-fully, with the sources seen per destination. */
    static final class Exposure {
        final RuleRef rule;
        final Map<String, Set<String>> sourcesByDestination = new LinkedHashMap<>();
        final FrameSample frames = new FrameSample();

        Exposure(RuleRef rule) {
            this.rule = rule;
        }
    }

    /** Two new connections that would share one reply tuple. */
    static final class Pair {
        final PacketSummary earlier;
        final PacketSummary later;
        final String natAddress;
        final int port;
        final String destination;
        final RuleRef rule;
        final List<PacketSummary> egress = new ArrayList<>();

        Pair(PacketSummary earlier, PacketSummary later, String natAddress, int port, String destination, RuleRef rule) {
            this.earlier = earlier;
            this.later = later;
            this.natAddress = natAddress;
            this.port = port;
            this.destination = destination;
            this.rule = rule;
        }
    }

    private record Recent(PacketSummary packet, String natAddress, RuleRef rule) {
    }

    final Map<String, Exposure> exposures = new LinkedHashMap<>();
    private final Map<String, Recent> recent = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Recent> eldest) {
            return size() > MAX;
        }
    };
    private final List<Pair> pending = new ArrayList<>();
    /** TCP/UDP frames of the last {@link #EGRESS_WINDOW_NANOS}, to find the egress of a pair's earlier packet. */
    private final java.util.ArrayDeque<PacketSummary> recentFrames = new java.util.ArrayDeque<>();
    final List<Pair> pairs = new ArrayList<>();

    /**
     * Whether a NAT rule picks its ports fully at random: iptables' {@code --random-fully}, or the {@code fully-random}
     * flag of a native nft {@code masquerade}/{@code snat} statement (alone or in a list such as
     * {@code fully-random,persistent}), which is the same NF_NAT_RANGE_PROTO_RANDOM_FULLY.
     */
    static boolean fullyRandom(String ruleText) {
        return ruleText.contains("--random-fully") || FULLY_RANDOM.matcher(ruleText).find();
    }

    /** Takes one trace and its path's conntrack lookup ({@link PacketTrace#firstConntrackStep}). */
    void accept(PacketTrace t, ConntrackStep ct) {
        PacketSummary p = t.packet();
        watchEgress(p);
        remember(p);
        if (!Packets.walked(t) || t.disposition().isFailure() && t.disposition() != Disposition.CONNTRACK_RACE) {
            return;
        }
        if (ct == null || !ct.created() || ct.reply()) {
            return;
        }
        for (TraceStep s : t.path()) {
            if (s instanceof NatStep n && (n.kind() == NatKind.MASQUERADE || n.kind() == NatKind.SNAT)
                    && n.rule().isPresent()) {
                RuleRef rule = n.rule().get();
                if (fullyRandom(rule.text())) {
                    return;
                }
                String dst = n.before().dst() + ":" + n.before().dport();
                Exposure e = exposures.computeIfAbsent(rule.label(), k -> new Exposure(rule));
                Set<String> sources = e.sourcesByDestination.computeIfAbsent(n.before().protocol() + " " + dst,
                        k -> new LinkedHashSet<>());
                if (sources.size() < 16 && sources.add(n.before().src().toString())) {
                    e.frames.add(p.frame());
                }
                String key = n.before().protocol() + "|" + n.after().src() + "|" + n.before().sport() + "|" + dst;
                Recent prev = recent.get(key);
                if (prev != null && !prev.packet().src().equals(Optional.of(n.before().src()))
                        && p.timeNanos() - prev.packet().timeNanos() <= SIMULTANEOUS_NANOS && pending.size() < MAX) {
                    Pair pair = new Pair(prev.packet(), p, n.after().src().toString(), n.before().sport(), dst, rule);
                    for (PacketSummary r : recentFrames) {
                        if (r.timeNanos() >= prev.packet().timeNanos()) {
                            match(pair, r);
                        }
                    }
                    pending.add(pair);
                }
                recent.put(key, new Recent(p, n.after().src().toString(), rule));
                return;
            }
        }
    }

    private void watchEgress(PacketSummary p) {
        if (pending.isEmpty()) {
            return;
        }
        Iterator<Pair> it = pending.iterator();
        while (it.hasNext()) {
            Pair pair = it.next();
            if (p.timeNanos() - pair.later.timeNanos() > EGRESS_WINDOW_NANOS) {
                pairs.add(pair);
                it.remove();
                continue;
            }
            match(pair, p);
        }
    }

    private static void match(Pair pair, PacketSummary p) {
        String dst = p.dst().map(Object::toString).orElse("?") + ":" + p.dport();
        if (p.proto() == pair.earlier.proto() && dst.equals(pair.destination)
                && p.src().map(Object::toString).orElse("").equals(pair.natAddress) && pair.egress.size() < 4) {
            pair.egress.add(p);
        }
    }

    private void remember(PacketSummary p) {
        if (p.proto() != 6 && p.proto() != 17) {
            return;
        }
        // the count first: a busy node's window holds more than 512 frames, and then the eldest's time (a frame read
        // 512 frames ago, out of the caches by now) is not needed
        while (!recentFrames.isEmpty() && (recentFrames.size() >= 512
                || p.timeNanos() - recentFrames.peekFirst().timeNanos() > EGRESS_WINDOW_NANOS)) {
            recentFrames.removeFirst();
        }
        recentFrames.addLast(p);
    }

    /** All pairs, the still-open ones closed at the end of the capture. */
    List<Pair> finish() {
        pairs.addAll(pending);
        pending.clear();
        return pairs;
    }
}
