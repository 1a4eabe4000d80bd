package io.pktpath.core.findings;

import io.pktpath.core.conntrack.FlowRecord;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.sysctl.Setting;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Findings about the node as a whole: br_netfilter off, conntrack table filling up, hidden legacy tables, silent flows. */
final class NodeFindings {
    /** Unanswered destinations reported, the ones with most silent flows first. */
    static final int MAX_DESTINATIONS = 20;

    private NodeFindings() {
    }

    static List<Finding> bridge(Bundle bundle, Map<String, FrameSample> bridged) {
        Setting<Long> s = bundle.sysctls().bridgeNfCall("iptables");
        if (s.assumedDefault() || s.value() != 0 || Bridges.of(bundle).isEmpty()) {
            return List.of();
        }
        List<String> evidence = new ArrayList<>();
        evidence.add(s.explain() + ": IPv4 frames bridged between ports of " + String.join(", ", Bridges.of(bundle).keySet())
                + " bypass iptables entirely (no FORWARD, no conntrack, no NAT)");
        List<Long> frames = new ArrayList<>();
        for (Map.Entry<String, FrameSample> e : bridged.entrySet()) {
            evidence.add(e.getValue().describe() + " on bridge port(s) of " + e.getKey() + " were bridged, not routed: "
                    + "the replay's iptables verdicts do not apply to them");
            frames.addAll(e.getValue().frames());
        }
        return List.of(new Finding(Codes.BRIDGE_NF_OFF, bridged.isEmpty() ? FindingSeverity.INFO : FindingSeverity.WARNING,
                "br_netfilter is off: traffic between bridge ports skips iptables", frames, List.of(), evidence,
                "If bridged traffic must be filtered or NATed (Kubernetes requires it), load br_netfilter and set "
                        + "net.bridge.bridge-nf-call-iptables=1 (and bridge-nf-call-ip6tables=1)",
                "high: the sysctl is in the bundle" + (bridged.isEmpty() ? "; no bridged frames in the capture" : " and the "
                        + "capture shows frames between bridge ports")));
    }

    static List<Finding> conntrackTable(Bundle bundle, Counters counters) {
        Optional<Long> max = bundle.sysctls().number("net.netfilter.nf_conntrack_max");
        Optional<Long> count = bundle.sysctls().number("net.netfilter.nf_conntrack_count");
        String countSource = "net.netfilter.nf_conntrack_count";
        if (count.isEmpty() && !bundle.conntrack().isEmpty()) {
            count = Optional.of((long) bundle.conntrack().size());
            countSource = "entries in conntrack -L";
        }
        if (max.isEmpty() || count.isEmpty() || max.get() <= 0) {
            return List.of();
        }
        double ratio = (double) count.get() / max.get();
        if (ratio < 0.75 && counters.earlyDrop() <= 0) {
            return List.of();
        }
        List<String> evidence = new ArrayList<>();
        evidence.add(String.format(Locale.ROOT, "%s = %d of net.netfilter.nf_conntrack_max = %d (%.0f%%)", countSource,
                count.get(), max.get(), ratio * 100));
        if (counters.present()) {
            evidence.add("conntrack -S early_drop " + (counters.delta() ? "+" : "") + counters.earlyDrop() + ", drop "
                    + (counters.delta() ? "+" : "") + counters.drop());
        }
        boolean full = ratio >= 0.9 || counters.earlyDrop() > 0;
        return List.of(new Finding(Codes.CONNTRACK_TABLE_FULL, full ? FindingSeverity.ERROR : FindingSeverity.WARNING,
                String.format(Locale.ROOT, "Conntrack table %.0f%% full", ratio * 100), List.of(), List.of(), evidence,
                "Raise net.netfilter.nf_conntrack_max (and nf_conntrack_buckets), shorten timeouts for idle flows, or "
                        + "find what opens so many connections; when full, new connections are dropped ('nf_conntrack: "
                        + "table full, dropping packet' in dmesg)",
                "high: read from the bundle's sysctls" + (counters.present() ? " and conntrack -S" : "")));
    }

    /**
     * LEGACY_TABLES per family whose iptables-save warned that iptables-legacy tables are present: without the legacy
     * dump, a warning that the replay cannot see them; with it (replayed beside iptables-nft's), what the legacy rules did
     * to the captured frames, from {@code tracker}.
     */
    static List<Finding> legacy(Bundle bundle, LegacyTracker tracker) {
        List<Finding> out = new ArrayList<>();
        for (IpFamily fam : IpFamily.values()) {
            Optional<Ruleset> r = bundle.ruleset(fam);
            Optional<Ruleset> legacy = bundle.legacy().ruleset(fam);
            String family = fam.toString();
            if (legacy.isPresent()) {
                out.add(replayed(family, legacy.get(), fam == IpFamily.V4 ? tracker.v4 : tracker.v6,
                        bundle.legacy().legacyFirst()));
            } else if (r.isPresent() && r.get().legacyTablesPresent()) {
                out.add(new Finding(Codes.LEGACY_TABLES, FindingSeverity.WARNING, "A second, iptables-legacy ruleset is "
                        + "active (" + family + ") and not in the dump", List.of(), List.of(),
                        List.of("the " + family + " iptables-save output carries the warning that iptables-legacy tables "
                                + "are present: those rules also run on every packet and the replay cannot see them"),
                        "Dump both (iptables-legacy-save and iptables-nft-save) and remove the stale set; make every "
                                + "tool on the node use the same backend",
                        "high: iptables-save itself printed the warning"));
            }
        }
        return out;
    }

    private static Finding replayed(String family, Ruleset legacy, LegacyTracker.Family seen, boolean legacyFirst) {
        List<String> evidence = new ArrayList<>();
        evidence.add("the bundle holds both dumps: iptables-nft's and iptables-legacy's (" + legacy.tables().stream()
                .map(io.pktpath.parser.iptables.model.Table::name).collect(java.util.stream.Collectors.joining(", "))
                + "), replayed together, " + (legacyFirst ? "the legacy table" : "iptables-nft's chain")
                + " first at each equal priority");
        evidence.add(seen.walked.count() == 0 ? "no replayed frame went through a legacy table"
                : seen.walked.describe() + " went through legacy tables");
        seen.dropped.forEach((rule, frames) -> evidence.add("dropped by " + rule + ": " + frames.describe()));
        seen.mapped.forEach((rule, frames) -> evidence.add("NAT decided by " + rule + ": " + frames.describe()
                + " (the first packet of each connection; the nat core stops at the first mapping"
                + (legacyFirst ? ", so iptables-nft's nat table did not see them)" : ")")));
        seen.changed.forEach((rule, frames) -> evidence.add("changed by " + rule + ": " + frames.describe()));
        List<Long> frames = new ArrayList<>();
        for (Map<String, FrameSample> m : List.of(seen.dropped, seen.mapped, seen.changed)) {
            m.values().forEach(f -> f.frames().stream().filter(x -> !frames.contains(x)).forEach(frames::add));
        }
        frames.sort(Long::compare);
        boolean drops = !seen.dropped.isEmpty();
        return new Finding(Codes.LEGACY_TABLES, drops ? FindingSeverity.ERROR : FindingSeverity.WARNING,
                "Rules in both iptables backends (" + family + "): the iptables-legacy tables "
                        + (drops ? "dropped " + seen.dropped.values().stream().mapToLong(FrameSample::count).sum()
                        + " frame(s)" : "ran beside iptables-nft's"), frames,
                List.copyOf(seen.dropped.keySet()), evidence,
                "Make every tool on the node use one backend (update-alternatives --set iptables, kube-proxy's and the"
                        + " CNI's images), move the rules still needed there and flush the other: both rulesets apply to"
                        + " every packet, and a DROP in either drops",
                "high for what each ruleset does; which runs first at an equal priority depends on which registered"
                        + " its hook later, not in the bundle: " + (legacyFirst ? "assumed the legacy one (--nft-first"
                        + " says otherwise)" : "iptables-nft's, as --nft-first says"));
    }

    /**
     * How long a capture must go on after a connection's first packet before its silence is evidence: Linux's initial
     * TCP retransmission timeout (TCP_TIMEOUT_INIT, 1 s), by when a sender that heard nothing has tried again.
     */
    static final long REPLY_DUE_NANOS = 1_000_000_000L;

    /**
     * Connections this node passed that got nothing back: a WARNING per destination for those whose sender tried again
     * or that the capture followed for {@link #REPLY_DUE_NANOS} or more, and one INFO for those opened so shortly before
     * the capture's last frame (at {@code captureEndNanos}) that no reply or retry was due yet.
     */
    static List<Finding> unanswered(List<FlowRecord> flows, Set<Long> explainedFlows, long captureEndNanos) {
        Map<String, List<FlowRecord>> byDestination = new LinkedHashMap<>();
        List<FlowRecord> pending = new ArrayList<>();
        for (FlowRecord f : flows) {
            if (f.fromBundle() || f.replied() || explainedFlows.contains(f.id()) || !f.original().hasPorts()) {
                continue;
            }
            if (f.packetsOriginal() < 2 && captureEndNanos - f.firstNanos() < REPLY_DUE_NANOS) {
                pending.add(f);
                continue;
            }
            byDestination.computeIfAbsent(f.original().protocol() + " " + f.reply().src() + ":" + f.reply().sport(),
                    k -> new ArrayList<>()).add(f);
        }
        List<Finding> out = new ArrayList<>();
        List<Map.Entry<String, List<FlowRecord>>> busiest = byDestination.entrySet().stream()
                .sorted((a, b) -> Integer.compare(b.getValue().size(), a.getValue().size())).limit(MAX_DESTINATIONS)
                .toList();
        for (Map.Entry<String, List<FlowRecord>> e : busiest) {
            List<FlowRecord> list = e.getValue();
            List<Long> frames = new ArrayList<>();
            List<String> evidence = new ArrayList<>();
            for (FlowRecord f : list.subList(0, Math.min(5, list.size()))) {
                frames.add(f.firstFrame());
                evidence.add("flow " + f.original() + " (" + f.state() + "): " + f.packetsOriginal() + " packet(s) sent, "
                        + "none back, frames " + f.frames().stream().limit(6).map(String::valueOf)
                        .reduce((a, b) -> a + ", " + b).orElse(""));
            }
            String dest = e.getKey().substring(e.getKey().indexOf(' ') + 1);
            out.add(new Finding(Codes.UNANSWERED, FindingSeverity.WARNING, list.size() + " connection(s) to " + dest
                    + " never answered", frames, List.of(), evidence,
                    "Check that " + dest + " is listening and reachable beyond this node (its own firewall, its routes back)",
                    "medium: this node passed the packets; the capture shows no reply, which may also be lost outside "
                            + "the capture point"));
        }
        if (!pending.isEmpty()) {
            out.add(pendingAtEnd(pending, captureEndNanos));
        }
        return out;
    }

    /** The connections whose reply was not yet due when the capture stopped, as one INFO finding. */
    private static Finding pendingAtEnd(List<FlowRecord> pending, long captureEndNanos) {
        List<Long> frames = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        for (FlowRecord f : pending.subList(0, Math.min(5, pending.size()))) {
            frames.add(f.firstFrame());
            evidence.add(String.format(Locale.ROOT, "flow %s (%s): first packet %.3f s before the capture's last frame,"
                    + " frame %d", f.original(), f.state(), (captureEndNanos - f.firstNanos()) / 1e9, f.firstFrame()));
        }
        if (pending.size() > evidence.size()) {
            evidence.add("and " + (pending.size() - evidence.size()) + " more like these");
        }
        return new Finding(Codes.UNANSWERED_AT_END, FindingSeverity.INFO, pending.size() + " connection(s) had no reply"
                + " yet when the capture ended, less than 1 s after their first packet", frames, List.of(), evidence,
                "Nothing to fix on this evidence; to tell a silent destination from a capture cut short, capture until at"
                        + " least a second after the last new connection",
                "high: a reply or a retry (TCP's first after 1 s) was not yet due when the capture stopped");
    }
}
