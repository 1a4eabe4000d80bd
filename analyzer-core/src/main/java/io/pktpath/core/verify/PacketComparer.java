package io.pktpath.core.verify;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.core.trace.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Compares one kernel-traced packet with pktpath's trace of its frame: (a) the TRACE steps line for line, (b) the
 * destination after NAT and the OUT device of the kernel's last PACKET line against pktpath's NAT and route, and the
 * capture's egress copy of a forwarded packet against pktpath's header after NAT. Steps in native nftables chains that
 * pktpath replays are compared like iptables' (on table, chain and verdict: the kernel prints no rule text for them);
 * steps in the others are left out of (a), and a packet such a chain dropped is one difference of its own, saying so.
 */
final class PacketComparer {
    private final FrameTies ties;
    private final boolean partial;
    /** Kernel steps in native nftables chains, left out of the comparison, and those chains ({@code table:chain}). */
    int nativeSteps;
    final java.util.Set<String> nativeChains = new java.util.TreeSet<>();

    /** The native chains pktpath replays ({@code inet pkp_fw:input}): their kernel steps are compared like iptables'. */
    private final java.util.Set<String> replayedNative;
    private final java.util.Set<String> nativeDnat;

    PacketComparer(FrameTies ties, boolean partial) {
        this(ties, partial, java.util.Set.of());
    }

    PacketComparer(FrameTies ties, boolean partial, java.util.Set<String> replayedNative) {
        this(ties, partial, replayedNative, java.util.Set.of());
    }

    /** {@code nativeDnat}: the native chains of nat prerouting/output base chains and those they reach (table:chain). */
    PacketComparer(FrameTies ties, boolean partial, java.util.Set<String> replayedNative,
                   java.util.Set<String> nativeDnat) {
        this.ties = ties;
        this.partial = partial;
        this.replayedNative = java.util.Set.copyOf(replayedNative);
        this.nativeDnat = java.util.Set.copyOf(nativeDnat);
    }

    /** Every difference for one packet; {@code file} is the trace log its line numbers refer to. */
    List<Difference> compare(KernelPacket kernel, String file, PacketTrace trace, boolean lastOfTrace) {
        List<Difference> out = new ArrayList<>();
        steps(kernel, trace, lastOfTrace).ifPresent(out::add);
        nat(kernel, trace).ifPresent(out::add);
        if (!kernel.locallyGenerated()) {
            egress(kernel, trace).ifPresent(out::add);
        }
        return out.stream().map(d -> new Difference(d.frame(), d.traceId(), file + ":" + d.kernelLine(), d.aspect(),
                d.kernel(), d.pktpath(), d.rows())).toList();
    }

    /** {@code table:chain rule-text => VERDICT} or {@code table:chain policy => POLICY:X}, as KernelStep describes. */
    static String describe(TraceStep step) {
        if (step instanceof RuleStep r) {
            return r.rule().table() + ":" + r.rule().chain() + " " + normalize(r.rule().text()) + " => " + r.verdict();
        }
        PolicyStep p = (PolicyStep) step;
        return p.table() + ":" + p.chain() + " policy => " + p.verdict();
    }

    static String describe(KernelStep step) {
        if (degraded(step)) {
            return step.table() + ":" + step.chain() + " (rule text not printed by the kernel) => " + step.verdict();
        }
        return step.policy() ? step.describe() : step.table() + ":" + step.chain() + " " + normalize(step.ruleText())
                + " => " + step.verdict();
    }

    /**
     * xtables-monitor 1.8.9 prints some IPv6 rules without their {@code -A CHAIN} and matches (for example just
     * {@code -t nat}); such a line can only be compared on table, chain and verdict.
     */
    static boolean degraded(KernelStep step) {
        return !step.policy() && !step.ruleText().startsWith("-A ");
    }

    private static String withoutText(TraceStep step) {
        if (step instanceof RuleStep r) {
            return r.rule().table() + ":" + r.rule().chain() + " (rule text not printed by the kernel) => " + r.verdict();
        }
        return describe(step);
    }

    private static String normalize(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }

    private static boolean legacyStep(TraceStep s) {
        return s instanceof io.pktpath.core.trace.RuleStep r && io.pktpath.core.netfilter.LegacyTables.isLegacy(r.rule().table())
                || s instanceof io.pktpath.core.trace.PolicyStep p && io.pktpath.core.netfilter.LegacyTables.isLegacy(p.table());
    }

    private Optional<Difference> steps(KernelPacket kernel, PacketTrace trace, boolean lastOfTrace) {
        List<KernelStep> own = new ArrayList<>(kernel.steps().size());
        KernelStep nativeDrop = null;
        for (KernelStep s : kernel.steps()) {
            if (!s.nativeTable() || replayedNative.contains(s.table() + ":" + s.chain())) {
                own.add(s);
            } else {
                nativeSteps++;
                nativeChains.add(s.table() + ":" + s.chain());
                if (s.drops() && nativeDrop == null) {
                    nativeDrop = s;
                }
            }
        }
        List<String> k = own.stream().map(PacketComparer::describe).toList();
        // xtables-monitor traces only nf_tables: the iptables-legacy tables' steps are checked by their counters
        List<TraceStep> ours = trace.kernelSteps().stream().filter(s -> !legacyStep(s)).toList();
        List<String> p = new ArrayList<>(ours.size());
        for (int i = 0; i < ours.size(); i++) {
            boolean degraded = i < own.size() && degraded(own.get(i));
            p.add(degraded ? withoutText(ours.get(i)) : describe(ours.get(i)));
        }
        boolean endedByNative = nativeDrop != null && k.size() <= p.size() && p.subList(0, k.size()).equals(k);
        if (endedByNative) {
            return Optional.of(new Difference(trace.packet().frame(), kernel.traceId(),
                    String.valueOf(kernel.first().line()), "native nftables chain", describe(nativeDrop),
                    "(this native nftables chain is not replayed) " + trace.role() + " " + trace.disposition(),
                    List.of()));
        }
        boolean truncated = partial && lastOfTrace && k.size() < p.size() && p.subList(0, k.size()).equals(k);
        if (k.equals(p) || truncated) {
            return Optional.empty();
        }
        List<StepRow> rows = new ArrayList<>();
        int first = -1;
        for (int i = 0; i < Math.max(k.size(), p.size()); i++) {
            StepRow row = new StepRow(i < k.size() ? k.get(i) : "", i < p.size() ? p.get(i) : "");
            if (first < 0 && !row.equal()) {
                first = i;
            }
            rows.add(row);
        }
        StepRow at = rows.get(first);
        String pk = at.pktpath().isEmpty() ? "(no more steps: " + trace.role() + " " + trace.disposition() + ")"
                : at.pktpath();
        String kk = at.kernel().isEmpty() ? "(no more steps)" : at.kernel();
        return Optional.of(new Difference(trace.packet().frame(), kernel.traceId(), String.valueOf(kernel.first().line()),
                "steps #" + (first + 1), kk, pk, rows));
    }

    private Optional<Difference> nat(KernelPacket kernel, PacketTrace trace) {
        Optional<KernelPacketHeader> seen = afterDestinationNat(kernel, nativeDnat);
        if (seen.isEmpty()) {
            return Optional.empty();
        }
        KernelPacketHeader last = seen.get();
        if (last.field("DST").isEmpty()) {
            // a fragment nft could not decode at an ingress chain (raw header only): no address to compare
            return Optional.empty();
        }
        Optional<Tuple> after = after(trace);
        String kDst = last.field("DST").orElse("") + last.field("DPORT").map(p -> ":" + p).orElse("");
        // a locally generated packet's PACKET lines keep the OUT device of the route before nat OUTPUT's reroute
        // (a bridge table's PACKET line names the bridge ports, pktpath's route the bridge: no device to compare)
        String kOut = kernel.locallyGenerated() || last.bridgeFamily() ? "" : last.field("OUT").orElse("");
        // a netdev ingress chain's PACKET line (the packet dropped there) shows no transport header (NH= only), nor
        // does a fragment's at an ingress chain (no ports)
        boolean ports = last.field("NH").isEmpty() && last.field("DPORT").isPresent();
        String pDst = after.map(t -> t.dst() + (t.hasPorts() && ports ? ":" + t.dport() : "")).orElse("?");
        String pOut = trace.route().map(r -> r.dev()).orElse("");
        String k = "dst " + kDst + (kOut.isEmpty() ? "" : " out " + kOut);
        String p = "dst " + pDst + (kOut.isEmpty() ? "" : " out " + pOut);
        if (k.equals(p)) {
            return Optional.empty();
        }
        return Optional.of(new Difference(trace.packet().frame(), kernel.traceId(), String.valueOf(last.line()), "nat/route", k, p,
                List.of()));
    }

    /**
     * The last PACKET line printed after destination NAT (so for a table after nat PREROUTING/OUTPUT): it shows the
     * destination after DNAT or reply de-SNAT, and the OUT device once routed. Source NAT happens later, in
     * POSTROUTING or INPUT, and no PACKET line shows it. Empty when every line came before destination NAT.
     */
    static Optional<KernelPacketHeader> afterDestinationNat(KernelPacket kernel) {
        return afterDestinationNat(kernel, java.util.Set.of());
    }

    /** As {@link #afterDestinationNat(KernelPacket)}, lines before the native DNAT chains {@code nativeDnat} too. */
    static Optional<KernelPacketHeader> afterDestinationNat(KernelPacket kernel, java.util.Set<String> nativeDnat) {
        List<KernelPacketHeader> headers = kernel.headers();
        for (int i = headers.size() - 1; i >= 0; i--) {
            KernelPacketHeader h = headers.get(i);
            Optional<KernelStep> next = kernel.steps().stream().filter(s -> s.line() > h.line()).findFirst();
            if (next.isPresent() && !beforeDestinationNat(next.get(), nativeDnat)) {
                return Optional.of(h);
            }
        }
        return Optional.empty();
    }

    private static boolean beforeDestinationNat(KernelStep step, java.util.Set<String> nativeDnat) {
        boolean entryHook = step.chain().equals("PREROUTING") || step.chain().equals("OUTPUT");
        return step.table().equals("raw") || (entryHook && (step.table().equals("mangle") || step.table().equals("nat")))
                || step.nativeTable() && nativeDnat.contains(step.table() + ":" + step.chain());
    }

    /** The tuple after NAT according to pktpath: its NAT change, or the frame's own tuple when nothing was NATed. */
    private static Optional<Tuple> after(PacketTrace trace) {
        if (trace.nat().isPresent()) {
            return Optional.of(trace.nat().get().after());
        }
        PacketSummary s = trace.datagram();
        if (s.src().isEmpty() || s.dst().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Tuple(s.proto(), s.src().get(), Math.max(s.sport(), 0), s.dst().get(),
                Math.max(s.dport(), 0)));
    }

    private Optional<Difference> egress(KernelPacket kernel, PacketTrace trace) {
        Optional<KernelPacketHeader> seen = afterDestinationNat(kernel, nativeDnat);
        if (seen.isEmpty()) {
            return Optional.empty();
        }
        KernelPacketHeader last = seen.get();
        Optional<String> out = last.field("OUT");
        if (out.isEmpty() || !last.field("IN").isPresent()) {
            return Optional.empty();
        }
        KernelStep end = kernel.steps().isEmpty() ? null : kernel.steps().get(kernel.steps().size() - 1);
        if (end != null && end.drops() && end.table().startsWith("bridge ") && end.line() > last.line()) {
            // a bridge chain at output or postrouting dropped it after IP POSTROUTING: the capture's frame on the bridge
            // device (taken at its transmit, before the bridge's hooks) does not show it leaving
            if (trace.disposition() != Disposition.FORWARDED) {
                return Optional.empty();
            }
            return Optional.of(new Difference(trace.packet().frame(), kernel.traceId(), String.valueOf(end.line()),
                    "egress", "dropped by " + end.table() + ":" + end.chain() + " after leaving on " + out.get(),
                    "FORWARDED", List.of()));
        }
        int id = kernel.family() == 10 ? -1 : last.intField("ID", -1);
        int len = FrameTies.ipLength(last, kernel.family());
        java.util.function.Predicate<PacketSummary> sameDestination = p -> same(last, "DST",
                p.dst().map(Object::toString).orElse("")) && same(last, "DPORT", p.dport() < 0 ? ""
                : Integer.toString(p.dport()));
        Optional<PacketTrace> copy = Optional.empty();
        boolean bridged = false;
        if (out.equals(last.field("IN"))) {
            // br_netfilter traced a bridged frame (IN and OUT the bridge): it leaves on one of the bridge's ports; a frame
            // on the bridge device itself, when there is one, is the packet before FORWARD and POSTROUTING (a bridged
            // DNAT passed to the neighbour's output on the bridge, br_nf_pre_routing_finish_bridge)
            copy = ties.peekOnBridgePorts(out.get(), "out", id, len, trace.packet().frame(), sameDestination);
            bridged = copy.isPresent();
        }
        if (copy.isEmpty()) {
            copy = ties.peek(out.get(), "out", id, len, trace.packet().frame(), sameDestination);
        }
        String egressDev = bridged ? out.get() : null;
        String pk = trace.disposition() == Disposition.FORWARDED
                ? "FORWARDED " + after(trace).map(Tuple::toString).orElse("?") + " on "
                        + trace.route().map(r -> r.dev()).orElse("?")
                : trace.disposition().name();
        String k = copy.map(c -> "FORWARDED " + tuple(c.datagram()) + " on "
                        + (egressDev != null ? egressDev : c.packet().iface()))
                .orElse("no egress frame on " + out.get() + " in the capture");
        boolean agree = copy.isPresent() ? k.equals(pk) : trace.disposition() != Disposition.FORWARDED;
        if (agree) {
            return Optional.empty();
        }
        String kShown = copy.map(c -> k + " (frame " + c.packet().frame() + ")").orElse(k);
        return Optional.of(new Difference(trace.packet().frame(), kernel.traceId(), String.valueOf(last.line()), "egress", kShown, pk,
                List.of()));
    }

    private static String tuple(PacketSummary p) {
        return new Tuple(p.proto(), p.src().orElseThrow(), Math.max(p.sport(), 0), p.dst().orElseThrow(),
                Math.max(p.dport(), 0)).toString();
    }

    private static boolean same(KernelPacketHeader h, String field, String value) {
        return h.field(field).map(v -> v.equals(value)).orElse(true);
    }
}
