package io.pktpath.core.conntrack;

import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.conntrack.ConntrackEntry;
import io.pktpath.parser.conntrack.ConntrackEvent;
import io.pktpath.parser.conntrack.ConntrackEventType;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares the replay's connections with the kernel's {@code conntrack -E} events: each NEW event with the replayed
 * connection of the same original tuple (the n-th NEW of a tuple with the n-th connection of it) and their reply tuples
 * (which endpoint DNAT chose, which address and port SNAT or MASQUERADE chose), NEW events without a replayed
 * connection, and replayed connections no event announced (a connection the bundle's {@code conntrack -L} seeded, or one
 * whose tuple an UPDATE or DESTROY names, existed before the events began and is not one). With timestamps
 * ({@code -o timestamp}), events more than a second outside the capture and connections outside the events' span are
 * left out, and said. Where the capture could not decide a random branch of a connection's first packet, or two
 * datagrams of one tuple raced (the UDP insert race), a difference says what the event tells.
 */
public final class KernelEventComparer {
    private static final long SLACK_NANOS = 1_000_000_000L;

    private KernelEventComparer() {
    }

    /**
     * The label of the rule whose random branch the trace followed because the capture could not decide it (its first
     * undecided step taken as {@link io.pktpath.core.trace.UndecidedStep#FIRST_BRANCH}), for {@link #compare}'s
     * {@code undecided}; empty when none.
     */
    public static java.util.Optional<String> firstBranchRule(io.pktpath.core.trace.PacketTrace t) {
        for (io.pktpath.core.trace.TraceStep step : t.path()) {
            if (step instanceof io.pktpath.core.trace.UndecidedStep u
                    && u.decidedBy().startsWith(io.pktpath.core.trace.UndecidedStep.FIRST_BRANCH)) {
                return java.util.Optional.of(u.rule().labelWithSource());
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * @param events    the bundle's events in file order
     * @param flows     the replay's connections
     * @param undecided for a first frame whose random branch the capture could not decide, the deciding rule's label
     * @param races     the replay's race evidence
     */
    public static KernelEventComparison compare(List<ConntrackEvent> events, List<FlowRecord> flows,
                                                Map<Long, String> undecided, List<RaceEvidence> races) {
        Map<Tuple, RaceEvidence> raced = new HashMap<>();
        for (RaceEvidence r : races) {
            if (r.kind() == RaceEvidence.Kind.UDP_SAME_TUPLE) {
                raced.putIfAbsent(r.earlierOriginal(), r);
            }
        }
        List<ConntrackEvent> news = events.stream().filter(e -> e.type() == ConntrackEventType.NEW).toList();
        Set<Tuple> knownBefore = new HashSet<>();
        Set<Tuple> announced = new HashSet<>();
        for (ConntrackEvent e : events) {
            Tuple t = original(e.entry());
            if (e.type() == ConntrackEventType.NEW) {
                announced.add(t);
            } else if (!announced.contains(t)) {
                knownBefore.add(t);
            }
        }
        Map<Tuple, Deque<FlowRecord>> byOriginal = new LinkedHashMap<>();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (FlowRecord f : flows) {
            byOriginal.computeIfAbsent(f.original(), k -> new ArrayDeque<>()).add(f);
            if (!f.fromBundle()) {
                first = Math.min(first, f.firstNanos());
                last = Math.max(last, f.lastNanos());
            }
        }
        List<KernelEventDifference> diffs = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Set<Long> matched = new HashSet<>();
        int compared = 0;
        int equal = 0;
        int outside = 0;
        for (ConntrackEvent e : news) {
            Tuple o = original(e.entry());
            Deque<FlowRecord> candidates = byOriginal.getOrDefault(o, new ArrayDeque<>());
            FlowRecord f = candidates.pollFirst();
            String tuple = describe(o);
            if (f == null) {
                if (first <= last && e.timestampMicros().isPresent() && outside(e.timestampMicros().get() * 1000, first,
                        last)) {
                    outside++;
                    continue;
                }
                diffs.add(new KernelEventDifference(e.location(), KernelEventDifference.Kind.NO_REPLAYED_CONNECTION,
                        tuple, "NEW, reply " + describe(reply(e.entry())), "no connection with this original tuple", 0));
                continue;
            }
            matched.add(f.id());
            compared++;
            Tuple kernelReply = reply(e.entry());
            if (kernelReply.equals(f.reply())) {
                equal++;
                continue;
            }
            diffs.add(new KernelEventDifference(e.location(), KernelEventDifference.Kind.REPLY_TUPLE, tuple,
                    "reply " + describe(kernelReply) + nat(o, kernelReply),
                    "reply " + describe(f.reply()) + nat(o, f.reply()) + undecidedText(f, kernelReply, undecided)
                            + raceText(raced.get(o)),
                    f.firstFrame()));
        }
        long eventFirst = Long.MAX_VALUE;
        long eventLast = Long.MIN_VALUE;
        for (ConntrackEvent e : events) {
            if (e.timestampMicros().isPresent()) {
                eventFirst = Math.min(eventFirst, e.timestampMicros().get() * 1000);
                eventLast = Math.max(eventLast, e.timestampMicros().get() * 1000);
            }
        }
        int before = 0;
        int unspanned = 0;
        for (FlowRecord f : flows) {
            if (matched.contains(f.id())) {
                continue;
            }
            if (f.fromBundle() || knownBefore.contains(f.original())) {
                before++;
                continue;
            }
            if (eventFirst <= eventLast && outside(f.firstNanos(), eventFirst, eventLast)) {
                unspanned++;
                continue;
            }
            diffs.add(new KernelEventDifference("", KernelEventDifference.Kind.NOT_ANNOUNCED, describe(f.original()),
                    "no NEW event for this original tuple (the kernel never confirmed such a connection)",
                    "connection " + f.id() + " from frame " + f.firstFrame() + ", reply " + describe(f.reply()) + ", "
                            + f.outcome(), f.firstFrame()));
        }
        if (outside > 0) {
            notes.add(outside + " NEW event(s) more than a second outside the capture are not compared");
        }
        if (before > 0) {
            notes.add(before + " replayed connection(s) existed before the events began (conntrack -L, or an UPDATE or"
                    + " DESTROY without NEW): no NEW expected");
        }
        if (unspanned > 0) {
            notes.add(unspanned + " replayed connection(s) began more than a second outside the events' time span");
        }
        return new KernelEventComparison(news.size(), compared, equal, diffs, notes);
    }

    private static boolean outside(long nanos, long first, long last) {
        return nanos < first - SLACK_NANOS || nanos > last + SLACK_NANOS;
    }

    private static String undecidedText(FlowRecord f, Tuple kernelReply, Map<Long, String> undecided) {
        String rule = undecided.get(f.firstFrame());
        if (rule == null || sameEndpoint(kernelReply, f.reply())) {
            return "";
        }
        return "; the capture could not decide " + rule + "'s branch for frame " + f.firstFrame() + " (no copy of it "
                + "leaving the node), so the replay followed the first branch; the kernel's event says the connection"
                + " went to " + endpoint(kernelReply.protocol(), kernelReply.src(), kernelReply.sport());
    }

    private static String raceText(RaceEvidence r) {
        if (r == null) {
            return "";
        }
        return "; datagrams of this tuple raced (frames " + r.earlierFrame() + " and " + r.laterFrame()
                + ", RACE_UDP_INSERT): the kernel confirmed the entry the event shows";
    }

    private static boolean sameEndpoint(Tuple a, Tuple b) {
        return a.src().equals(b.src()) && a.sport() == b.sport();
    }

    /** What the reply tuple says NAT did: DNAT to its source, SNAT to its destination. */
    private static String nat(Tuple original, Tuple reply) {
        List<String> out = new ArrayList<>();
        if (Tuples.isDnat(original, reply)) {
            out.add("DNAT to " + endpoint(reply.protocol(), reply.src(), reply.sport()));
        }
        if (Tuples.isSnat(original, reply)) {
            out.add("SNAT to " + endpoint(reply.protocol(), reply.dst(), reply.dport()));
        }
        return out.isEmpty() ? " (no NAT)" : " (" + String.join(", ", out) + ")";
    }

    private static String endpoint(int proto, io.pktpath.parser.net.IpAddress a, int port) {
        Tuple t = new Tuple(proto, a, port, a, port);
        return t.appendSource(new StringBuilder()).toString();
    }

    private static String describe(Tuple t) {
        return protocolName(t.protocol()) + " " + t;
    }

    private static String protocolName(int p) {
        return switch (p) {
            case 6 -> "tcp";
            case 17 -> "udp";
            case 1 -> "icmp";
            case 58 -> "icmpv6";
            case 132 -> "sctp";
            case 33 -> "dccp";
            case 136 -> "udplite";
            default -> "proto " + p;
        };
    }

    static Tuple original(ConntrackEntry e) {
        return tuple(e.protocolNumber(), e.original());
    }

    static Tuple reply(ConntrackEntry e) {
        return tuple(e.protocolNumber(), e.reply());
    }

    private static Tuple tuple(int proto, io.pktpath.parser.conntrack.Tuple t) {
        if (Tuples.isIcmp(proto)) {
            return new Tuple(proto, t.src(), t.icmpId().orElse(0), t.dst(), 0);
        }
        return new Tuple(proto, t.src(), t.sport().orElse(0), t.dst(), t.dport().orElse(0));
    }
}
