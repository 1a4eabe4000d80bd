package io.pktpath.core.findings;

import io.pktpath.core.trace.ConntrackStep;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.NatChange;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the capture shows around the replay's verdicts: ICMP errors and what they quote, hairpinned connections without
 * masquerade, RSTs answering packets no connection expected, and frames whose observed NAT or egress the rules do not
 * predict.
 */
final class TrafficTracker {
    private static final int MAX = 10_000;

    /** ICMP errors by type/code and sender. */
    final Map<String, IcmpGroup> icmp = new LinkedHashMap<>();
    /** Hairpinned connections by endpoint address:port. */
    final Map<String, Hairpin> hairpins = new LinkedHashMap<>();
    /** Reverse tuple of a mid-stream or INVALID packet let through -> its frame. */
    private final Map<String, PacketSummary> strays = bounded();
    final List<String[]> resets = new ArrayList<>();
    /** Captured tuples of hairpinned packets (their SYN repeats are part of the hairpin finding). */
    final java.util.Set<String> hairpinTuples = new java.util.HashSet<>();
    /** Flows whose NAT port the kernel chose at random (§9): their later frames may differ from the replay's choice. */
    final java.util.Set<Long> randomPortFlows = new java.util.HashSet<>();
    /** Frame number -> the frame's endpoints and its "looks like ..." note. */
    final Map<Long, String[]> mismatches = new LinkedHashMap<>();
    /** Last frame seen from each source endpoint, to find the pre-DNAT copy of a hairpinned packet. */
    private final LastFromSource lastFromSource = new LastFromSource(MAX);

    /** Errors of one kind from one sender. */
    static final class IcmpGroup {
        final String kind;
        final String sender;
        final boolean fragNeeded;
        final FrameSample frames = new FrameSample();
        final List<String> quotes = new ArrayList<>();

        IcmpGroup(String kind, String sender, boolean fragNeeded) {
            this.kind = kind;
            this.sender = sender;
            this.fragNeeded = fragNeeded;
        }
    }

    /** A pod reaching itself through a service. */
    static final class Hairpin {
        final String endpoint;
        final String iface;
        final FrameSample frames = new FrameSample();
        String before = "";

        Hairpin(String endpoint, String iface) {
            this.endpoint = endpoint;
            this.iface = iface;
        }
    }

    private static <K, V> Map<K, V> bounded() {
        return new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > MAX;
            }
        };
    }

    /** Takes one trace and its path's conntrack lookup ({@link PacketTrace#firstConntrackStep}). */
    void accept(PacketTrace t, boolean answeredFailure, ConntrackStep ct) {
        PacketSummary p = t.packet();
        if (!t.notes().isEmpty()) {
            notes(t);
        }
        if (Packets.isIcmpError(p) && !answeredFailure) {
            icmp(p);
        }
        hairpin(t);
        stray(t, ct);
        if (p.sport() >= 0 && p.src().isPresent()) {
            lastFromSource.put(p.proto(), p.src().get(), p.sport(), p);
        }
    }

    private void notes(PacketTrace t) {
        for (String note : t.notes()) {
            if (note.contains("from a random offset") && t.flowId() > 0 && randomPortFlows.size() < MAX) {
                randomPortFlows.add(t.flowId());
            }
        }
        for (String note : t.notes()) {
            if (note.contains("looks like this packet leaving on") && mismatches.size() < MAX
                    && !randomPortFlows.contains(t.flowId()) && !onlySourcePortDiffers(note)) {
                mismatches.put(t.packet().frame(), new String[] {Text.endpoints(t.packet()), note});
            }
        }
    }

    /**
     * True when the observed and the predicted packet leave on the same interface and differ only in the source port:
     * the kernel picked a port the replay cannot know (a taken port, {@code --random}).
     */
    static boolean onlySourcePortDiffers(String note) {
        String predict = ", but the rules in the bundle predict ";
        int on = note.indexOf("leaving on ");
        int but = note.indexOf(predict);
        if (on < 0 || but < 0) {
            return false;
        }
        String[] seen = note.substring(on + 11, but).split(" as ", 2);
        int end = note.indexOf(": ", but + predict.length());
        String[] predicted = note.substring(but + predict.length(), end < 0 ? note.length() : end).split(" as ", 2);
        if (seen.length < 2 || predicted.length < 2 || !seen[0].equals(predicted[0])) {
            return false;
        }
        String[] a = seen[1].split(" -> ");
        String[] b = predicted[1].split(" -> ");
        if (a.length != 2 || b.length != 2 || !a[1].equals(b[1]) || a[0].equals(b[0])) {
            return false;
        }
        String hostA = hostOf(a[0]);
        return hostA != null && hostA.equals(hostOf(b[0]));
    }

    /**
     * The address of {@code address:port} or {@code [v6]:port}; null for an endpoint without a port (ICMP, an
     * unbracketed IPv6 address).
     */
    private static String hostOf(String endpoint) {
        int colon = endpoint.lastIndexOf(':');
        if (colon <= 0 || colon == endpoint.length() - 1 || !endpoint.substring(colon + 1).chars().allMatch(Character::isDigit)) {
            return null;
        }
        String host = endpoint.substring(0, colon);
        return host.indexOf(':') < 0 || host.startsWith("[") && host.endsWith("]") ? host : null;
    }

    private void icmp(PacketSummary p) {
        String kind = kindOf(p);
        String sender = p.src().map(Object::toString).orElse("?");
        String key = kind + "\u0000" + sender;
        IcmpGroup g = icmp.get(key);
        if (g == null) {
            if (icmp.size() >= MAX) {
                return;
            }
            g = new IcmpGroup(kind, sender, Packets.isFragNeeded(p));
            icmp.put(key, g);
        }
        g.frames.add(p.frame());
        String quoted = Packets.quotedPart(p.info());
        if (quoted != null && g.quotes.size() < 3) {
            g.quotes.add("frame " + p.frame() + " quotes " + quoted);
        }
    }

    private static String kindOf(PacketSummary p) {
        String info = p.info();
        String arrow = " > " + p.dst().map(Object::toString).orElse("?") + " ";
        int start = info.indexOf(arrow);
        int q = info.indexOf(" (quoting");
        String words = start >= 0 ? info.substring(start + arrow.length(), q > start ? q : info.length()) : info;
        return (p.proto() == 1 ? "ICMP " : "ICMPv6 ") + p.icmpType() + "/" + p.icmpCode() + " " + words;
    }

    private void hairpin(PacketTrace t) {
        if (!Packets.walked(t) || t.disposition().isFailure() || t.disposition() == Disposition.NOT_REPLAYABLE) {
            return;
        }
        PacketSummary p = t.packet();
        Optional<NatChange> nat = t.nat();
        Tuple after = nat.isPresent() ? nat.get().after() : null;
        boolean masq = nat.isPresent() && nat.get().masquerade();
        boolean same = after != null ? after.src().equals(after.dst())
                : p.src().isPresent() && p.src().equals(p.dst());
        if (!same || masq || t.disposition() != Disposition.FORWARDED) {
            return;
        }
        String endpoint = after != null ? after.dst() + (after.hasPorts() ? ":" + after.dport() : "")
                : p.dst().get() + (p.dport() >= 0 ? ":" + p.dport() : "");
        if (hairpinTuples.size() < MAX) {
            hairpinTuples.add(Packets.tupleKey(p));
        }
        Hairpin h = hairpins.get(endpoint);
        if (h == null) {
            if (hairpins.size() >= MAX) {
                return;
            }
            h = new Hairpin(endpoint, p.iface());
            hairpins.put(endpoint, h);
        }
        h.frames.add(p.frame());
        if (h.before.isEmpty()) {
            if (after != null && nat.get().changed()) {
                h.before = "frame " + p.frame() + " was addressed to " + nat.get().before().dst() + ":"
                        + nat.get().before().dport() + " and DNATed to " + after.dst() + ":" + after.dport();
            } else {
                LastFromSource.Sent prev = lastFromSource.get(p.proto(), p.src().get(), p.sport());
                if (prev != null && !java.util.Objects.equals(prev.dst, p.dst().orElse(null))) {
                    h.before = "frame " + prev.frame + " shows the same connection addressed to "
                            + prev.dst + ":" + prev.dport + " before DNAT";
                }
            }
        }
    }

    /** A non-SYN TCP packet conntrack had to pick up or found INVALID, let through; a RST back means the peer had no such connection. */
    private void stray(PacketTrace t, ConntrackStep ct) {
        PacketSummary p = t.packet();
        if (!Packets.isTcp(p)) {
            return;
        }
        if (Packets.has(p, Packets.RST)) {
            PacketSummary cause = strays.remove(Packets.tupleKey(p));
            if (cause != null && resets.size() < MAX) {
                resets.add(new String[] {String.valueOf(cause.frame()), Text.frame(cause), Text.frame(p),
                        String.valueOf(p.frame())});
            }
            return;
        }
        if (!Packets.walked(t) || t.disposition().isFailure() || Packets.has(p, Packets.SYN)) {
            return;
        }
        if (ct != null && (ct.state() == CtState.INVALID || ct.created())) {
            strays.put(Packets.reverseKey(p), p);
        }
    }
}
