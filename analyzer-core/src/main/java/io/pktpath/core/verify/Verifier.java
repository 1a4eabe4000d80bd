package io.pktpath.core.verify;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.conntrack.KernelEventComparer;
import io.pktpath.core.conntrack.KernelEventComparison;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import io.pktpath.parser.bundle.CounterSnapshots;
import io.pktpath.parser.bundle.InputKind;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.net.IpFamily;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks pktpath against the kernel: replays a recorded bundle, ties every packet of its {@code xtables-monitor
 * --trace} log to a capture frame, compares steps, NAT and egress packet by packet, and compares per-rule hit counts
 * with the bundle's counter snapshots.
 */
public final class Verifier {
    /** Packets this close to the end of a partial trace may have been cut off by xtables-monitor's exit. */
    private static final int CUT_WINDOW = 3;
    /** Conntrack's destination NAT at prerouting and output (NF_IP_PRI_NAT_DST). */
    private static final int DESTINATION_NAT_PRIORITY = -100;

    private Verifier() {
    }

    /** Verifies a bundle directory: its {@code trace.txt}, {@code capture.pcap} and {@code scenario.env} coverage. */
    public static VerifyReport verify(Path bundleDir) throws IOException {
        return verify(bundleDir, true);
    }

    /**
     * As {@link #verify(Path)}, with the order of a bundle holding both iptables backends given: {@code legacyFirst}
     * false replays iptables-nft's chains before the legacy tables of the same priority ({@code --nft-first}), so the
     * comparison with the kernel's counters tells which order the node ran.
     */
    public static VerifyReport verify(Path bundleDir, boolean legacyFirst) throws IOException {
        Bundle loaded = BundleLoader.loadDirectory(bundleDir);
        Bundle bundle = loaded.legacy().isEmpty() ? loaded
                : loaded.withLegacy(loaded.legacy().withLegacyFirst(legacyFirst));
        Path trace = bundleDir.resolve("trace.txt");
        String text = Files.isRegularFile(trace) ? new String(Files.readAllBytes(trace), StandardCharsets.UTF_8) : "";
        List<TraceLog> logs = new ArrayList<>();
        Path nftTrace = bundleDir.resolve("nft-trace.txt");
        Path nftRuleset = bundleDir.resolve("nft-ruleset.txt");
        TraceCoverage coverage = TraceCoverage.fromScenarioEnv(bundleDir);
        if (Files.isRegularFile(nftTrace) && Files.isRegularFile(nftRuleset)) {
            // read as the bundle loader reads text: bytes that are not UTF-8 become U+FFFD and the line is reported, not thrown
            String nft = new String(Files.readAllBytes(nftTrace), StandardCharsets.UTF_8);
            String listing = new String(Files.readAllBytes(nftRuleset), StandardCharsets.UTF_8);
            // xtables-monitor exits on a rule it cannot parse (kube-proxy's concatenations): when its trace stopped
            // early and nft's has IPv4 packets, IPv4 comes from nft's, complete
            boolean v4FromNft = !coverage.complete() && NFT_V4_PACKET.matcher(nft).find();
            String kept = withoutFamily(text, "10");
            logs.add(new TraceLog("trace.txt", v4FromNft ? withoutFamily(kept, "2") : kept));
            logs.add(new TraceLog("nft-trace.txt", NftTraceConverter.convert(nft, listing, bundle.rulesetV6()),
                    NftTraceConverter.unreadLines("nft-trace.txt", nft)));
            if (v4FromNft) {
                logs.add(new TraceLog("nft-trace.txt", NftTraceConverter.convert(nft, listing, bundle.rulesetV4(), "ip")));
                coverage = TraceCoverage.COMPLETE;
            }
        } else {
            logs.add(new TraceLog("trace.txt", text));
        }
        return verify(bundleDir.getFileName().toString(), bundle, capture(bundle, bundleDir), logs, coverage);
    }

    /**
     * The starts of the inventory's missing-input lines for what verify compares: the capture, TRACE, the IPv4 rules
     * and their counters.
     */
    private static final List<String> VERIFIED_INPUTS = List.of("no capture", "no trace log", "no iptables-save");
    /** The inventory's empty-file lines for the files verify reads by name, which a recording never leaves empty. */
    private static final java.util.regex.Pattern VERIFIED_FILES = java.util.regex.Pattern.compile(
            "^ignored (\\S+/)?(trace\\.txt|nft-trace\\.txt|nft-ruleset\\.txt|\\S+\\.pcap|\\S+\\.pcapng): ");

    private static final java.util.regex.Pattern NFT_V4_PACKET = java.util.regex.Pattern.compile(
            "(?m)^trace id \\S+ ip \\S+ \\S+ packet: ");

    /**
     * A trace log in xtables-monitor form, the file its line numbers refer to, and notes on lines of that file the
     * conversion to this form skipped.
     */
    public record TraceLog(String file, String text, List<String> notes) {
        public TraceLog {
            notes = List.copyOf(notes);
        }

        /** A log read as it is, nothing skipped before the parse. */
        public TraceLog(String file, String text) {
            this(file, text, List.of());
        }
    }

    /**
     * The trace log without one family's lines: IPv6 comes from nft-trace.txt when the bundle has it, because
     * xtables-monitor 1.8.9 loses IPv6 events and prints some IPv6 rules without their matches. An inet table's lines
     * carry family 1 ({@code PACKET: 1 ID ... NFPROTO=10 ...}, then {@code TRACE: 1 ID ...}): those of a packet of that
     * family go too, and so do a netdev table's (family 5) and a bridge table's (family 7) whose network header ({@code
     * NH=6...}) is of that family ({@link NftTraceConverter} gives them from nft's trace).
     */
    static String withoutFamily(String trace, String family) {
        StringBuilder sb = new StringBuilder();
        java.util.Map<String, Boolean> inetDropped = new java.util.HashMap<>();
        String nfproto = "NFPROTO=" + family;
        for (String line : trace.split("\n")) {
            String[] t = line.strip().split("\\s+");
            boolean drop = false;
            if (t.length > 1 && (t[0].equals("PACKET:") || t[0].equals("TRACE:"))) {
                if (t[1].equals(family)) {
                    drop = true;
                } else if ((t[1].equals("1") || t[1].equals("5") || t[1].equals("7")) && t.length > 2) {
                    boolean header = java.util.Arrays.stream(t).anyMatch(w -> w.startsWith("NH="));
                    if (t[0].equals("PACKET:") && (t[1].equals("1") || header || !inetDropped.containsKey(t[2]))) {
                        // a netdev (ingress) line names no NFPROTO: the version nibble of its network header does; a
                        // non-first IPv6 fragment's shows none, and the packet's inet line decided
                        String version = family.equals("10") ? "NH=6" : "NH=4";
                        inetDropped.put(t[2], java.util.Arrays.stream(t).anyMatch(w -> w.equals(nfproto)
                                || !t[1].equals("1") && w.startsWith(version)));
                    }
                    drop = inetDropped.getOrDefault(t[2], false);
                }
            }
            if (!drop) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    /** The native nftables chains the replay runs, as {@code inet pkp_fw:input}, base chains and the chains they reach. */
    static java.util.Set<String> replayedNativeChains(Bundle bundle) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (io.pktpath.parser.net.IpFamily f : io.pktpath.parser.net.IpFamily.values()) {
            bundle.nftReplay().ruleset(f).tables()
                    .forEach(t -> t.chains().forEach(c -> out.add(t.name() + ":" + c.name())));
        }
        return out;
    }

    /**
     * The native chains that run before or at destination NAT: nat base chains at prerouting and output, base chains
     * there of a priority below conntrack's destination NAT (-100: raw, mangle; Docker's raw-PREROUTING), and every chain
     * they jump or go to, as {@code inet netavark:NETAVARK-HOSTPORT-DNAT}. A kernel PACKET line printed before one of them
     * shows the packet before its DNAT or its reply's de-SNAT, as one before iptables' nat PREROUTING does.
     */
    static java.util.Set<String> nativeDestinationNatChains(Bundle bundle) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (io.pktpath.parser.nft.NftNativeReplay.ReplayedChain c : bundle.nftReplay().chains()) {
            if (!(c.hook().equals("prerouting") || c.hook().equals("output"))
                    || !(c.nat() || c.priority() < DESTINATION_NAT_PRIORITY)) {
                continue;
            }
            for (IpFamily f : c.families()) {
                bundle.nftReplay().ruleset(f).tables().stream().filter(t -> t.name().equals(c.table()))
                        .forEach(t -> reach(t, c.name(), out));
            }
        }
        return out;
    }

    private static void reach(io.pktpath.parser.iptables.model.Table table, String chain, java.util.Set<String> out) {
        if (!out.add(table.name() + ":" + chain)) {
            return;
        }
        for (io.pktpath.parser.iptables.model.Chain c : table.chains()) {
            if (!c.name().equals(chain)) {
                continue;
            }
            for (io.pktpath.parser.iptables.model.Rule r : c.rules()) {
                io.pktpath.parser.iptables.target.Target t = io.pktpath.parser.iptables.target.StatementVerdict
                        .verdictOf(r.target());
                if (t instanceof io.pktpath.parser.iptables.target.Jump j) {
                    reach(table, j.chain(), out);
                } else if (t instanceof io.pktpath.parser.iptables.target.Goto g) {
                    reach(table, g.chain(), out);
                }
            }
        }
    }

    /** The node-wide capture: {@code capture.pcap} when the bundle has one, else the analyzer's choice. */
    static Optional<Path> capture(Bundle bundle, Path bundleDir) {
        Path named = bundleDir.resolve("capture.pcap");
        return Files.isRegularFile(named) ? Optional.of(named) : Analyzer.mainCapture(bundle);
    }

    /** Verifies an already loaded bundle against a trace log's text. */
    public static VerifyReport verify(String name, Bundle bundle, Optional<Path> capture, List<TraceLog> logs,
                                      TraceCoverage coverage) {
        List<PacketTrace> traces = new ArrayList<>();
        AnalysisResult result = Analyzer.analyze(bundle, capture, AnalysisOptions.DEFAULT, traces::add, n -> { },
                () -> false);
        List<KernelPacket> kernel = new ArrayList<>();
        List<String> files = new ArrayList<>();
        // when an input verify compares is missing, the empty files are named (one of them may be it, emptied), with
        // what is missing; a node's legitimately empty dumps (no IPv6 rules) are otherwise left to the inventory
        List<String> notes = new ArrayList<>();
        List<String> missing = bundle.inventory().missing().stream()
                .filter(m -> VERIFIED_INPUTS.stream().anyMatch(m::startsWith)).toList();
        if (!missing.isEmpty() && !bundle.inventory().emptyFiles().isEmpty()) {
            notes.addAll(bundle.inventory().emptyFiles());
            missing.forEach(m -> notes.add("missing: " + m));
        } else {
            // a recorded bundle's trace logs, captures and nft listing are never empty: one that is was emptied, and
            // another file (nft-trace.txt, another capture) may stand in for it
            bundle.inventory().emptyFiles().stream().filter(l -> VERIFIED_FILES.matcher(l).find()).forEach(notes::add);
        }
        if (!bundle.legacy().isEmpty()) {
            notes.add(bundle.legacy().legacyFirst()
                    ? "replayed with the iptables-legacy tables first at each hook and equal priority (--nft-first for"
                    + " iptables-nft's chains first): the order that agrees with the kernel is the node's"
                    : "replayed with iptables-nft's chains first at each hook and equal priority (--nft-first): the"
                    + " order that agrees with the kernel is the node's");
        }
        for (TraceLog log : logs) {
            notes.addAll(log.notes());
            Parsed<List<KernelPacket>> parsed = KernelTraceParser.parse(log.file(), log.text());
            kernel.addAll(parsed.value());
            parsed.value().forEach(p -> files.add(log.file()));
            parsed.diagnostics().forEach(d -> notes.add(d.headline()));
        }
        Map<String, String> bridgeOfPort = new HashMap<>();
        bundle.interfaces().forEach(i -> i.master().ifPresent(m -> bridgeOfPort.put(i.name(), m)));
        FrameTies ties = new FrameTies(traces, bridgeOfPort);
        PacketComparer comparer = new PacketComparer(ties, !coverage.complete(), replayedNativeChains(bundle),
                nativeDestinationNatChains(bundle));
        List<Difference> diffs = new ArrayList<>();
        List<UntiedPacket> untied = new ArrayList<>();
        int compared = 0;
        int equal = 0;
        for (int i = 0; i < kernel.size(); i++) {
            KernelPacket k = kernel.get(i);
            FrameTies.Tie tie = ties.tie(k);
            if (tie.trace().isEmpty()) {
                untied.add(new UntiedPacket(k.traceId(), files.get(i) + ":" + k.first().line(), header(k.first()),
                        tie.how()));
                continue;
            }
            compared++;
            List<Difference> d = comparer.compare(k, files.get(i), tie.trace().get(), i >= kernel.size() - CUT_WINDOW);
            if (d.isEmpty()) {
                equal++;
            }
            diffs.addAll(d);
        }
        List<Long> untraced = ties.untied().stream().filter(Verifier::replayed).map(t -> t.packet().frame()).toList();
        if (coverage.complete() && !kernel.isEmpty()) {
            ties.untied().stream().filter(Verifier::replayed).map(Verifier::untracedDifference).forEach(diffs::add);
        }
        diffs.sort(Comparator.comparingLong(Difference::frame).thenComparing(Difference::aspect));
        if (comparer.nativeSteps > 0) {
            notes.add(comparer.nativeSteps + " kernel steps in native nftables chains (" + String.join(", ",
                    comparer.nativeChains) + ") are left out of the comparison: pktpath does not replay these chains");
        }
        HitComparer.Result hits = hits(bundle, result, notes);
        Optional<KernelEventComparison> events = bundle.has(InputKind.CONNTRACK_EVENTS)
                ? Optional.of(KernelEventComparer.compare(bundle.conntrackEvents(), result.flows(), undecided(traces),
                        result.races()))
                : Optional.empty();
        return new VerifyReport(name, coverage, kernel.size(), compared, equal, diffs, untied, untraced,
                hits.compared(), hits.equal(), hits.differences(), notes, events);
    }

    /** The first frames whose random branch the capture could not decide, with the deciding rule. */
    static Map<Long, String> undecided(List<PacketTrace> traces) {
        Map<Long, String> out = new HashMap<>();
        for (PacketTrace t : traces) {
            KernelEventComparer.firstBranchRule(t).ifPresent(rule -> out.putIfAbsent(t.packet().frame(), rule));
        }
        return out;
    }

    /** Frames pktpath sent through netfilter: with a complete trace the kernel must have traced each of them. */
    /** A frame replayed through the IP hooks: an ARP frame's replay (family 0) is arp_process's, which TRACE never sees. */
    private static boolean replayed(PacketTrace t) {
        return (t.role() == FrameRole.INGRESS || t.role() == FrameRole.LOCAL_OUT) && t.packet().family() != 0;
    }

    private static Difference untracedDifference(PacketTrace t) {
        return new Difference(t.packet().frame(), "", "", "untraced", "(no TRACE for this frame)",
                t.role() + " " + t.disposition() + ", " + t.kernelSteps().size() + " steps", List.of());
    }

    private static HitComparer.Result hits(Bundle bundle, AnalysisResult result, List<String> notes) {
        int compared = 0;
        int equal = 0;
        List<HitDifference> diffs = new ArrayList<>();
        for (IpFamily family : List.of(IpFamily.V4, IpFamily.V6)) {
            // the main dumps' counters, then the iptables-legacy ones' (each pair compared when both snapshots are here)
            for (int backend = 0; backend < 2 && result.hits().isPresent(); backend++) {
                CounterSnapshots snaps = backend == 0 ? bundle.counters(family) : bundle.legacy().counters(family);
                if (snaps.before().isEmpty() || snaps.after().isEmpty()) {
                    if (snaps.before().isPresent() || snaps.after().isPresent()) {
                        // one snapshot of the pair (the other emptied or lost): said, with the bundle's empty files
                        notes.add((backend == 0 ? "" : "iptables-legacy ") + (family == IpFamily.V4 ? "IPv4" : "IPv6") + " rule counters not compared: the"
                                + " iptables-save -c snapshot " + (snaps.before().isEmpty() ? "before" : "after")
                                + " the capture is missing" + bundle.inventory().emptyFiles().stream()
                                .map(l -> "; " + l).collect(java.util.stream.Collectors.joining()));
                    }
                    continue;
                }
                HitComparer.Result r = HitComparer.compare(snaps.before().get(), snaps.after().get(),
                        result.hits().get(), backend == 0 ? "" : io.pktpath.core.netfilter.LegacyTables.PREFIX);
                compared += r.compared();
                equal += r.equal();
                diffs.addAll(r.differences());
                notes.addAll(r.notes());
            }
        }
        if (bundle.nftRuleset().isPresent() && result.hits().isPresent()) {
            HitComparer.Result r = NativeCounterComparer.compare(bundle.nftReplay(), result.hits().get());
            compared += r.compared();
            equal += r.equal();
            diffs.addAll(r.differences());
            notes.addAll(r.notes());
        }
        return new HitComparer.Result(compared, equal, diffs, List.of());
    }

    private static String header(KernelPacketHeader h) {
        StringBuilder sb = new StringBuilder();
        for (String key : List.of("IN", "OUT", "SRC", "DST", "LEN", "ID", "SPORT", "DPORT")) {
            h.field(key).ifPresent(v -> sb.append(sb.length() == 0 ? "" : " ").append(key).append('=').append(v));
        }
        return sb.toString();
    }
}
