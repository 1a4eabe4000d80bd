package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.verify.Verifier;
import io.pktpath.core.verify.VerifyReport;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * bundles/nft-ingress6 replayed: IPv6 through a netdev ingress chain on eth0 (priority 0) and an inet one (priority
 * -10), with conntrack in use, so that nf_defrag_ipv6 reassembles after them. Every packet nft-trace.txt shows at either
 * chain (each fragment of a datagram on its own: the ingress hook runs before defragmentation) is compared, in order,
 * with the replay's walk of that chain; the drops, the fragments' fate and the counters are the kernel's.
 */
class NftIngress6ReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("nft-ingress6");
    /** nft's packet line for a packet it decodes: the IPv6 payload length. */
    private static final Pattern IP6_LENGTH = Pattern.compile(" ip6 length (\\d+) ");
    /** nft's packet line for a non-first fragment, which it cannot decode: the raw IPv6 header. */
    private static final Pattern RAW_IP6 = Pattern.compile(" ether type ip6 @th,0,160 0x6[0-9a-f]{7}([0-9a-f]{4})");

    /** nft trace's packet line as {@code IIF len LENGTH} (the IPv6 packet's whole length), decoded or raw. */
    private static String describe(String line) {
        String iif = NftChainTrace.field(line, "iif").replace("\"", "");
        Matcher decoded = IP6_LENGTH.matcher(line);
        if (decoded.find()) {
            return iif + " len " + (40 + Integer.parseInt(decoded.group(1)));
        }
        Matcher raw = RAW_IP6.matcher(line);
        assertTrue(raw.find(), line);
        return iif + " len " + (40 + Integer.parseInt(raw.group(1), 16));
    }

    private static List<NftChainTrace.Decided> kernel(String chain) throws IOException {
        return NftChainTrace.read(DIR.resolve("nft-trace.txt"), chain, NftIngress6ReplayTest::describe,
                NftChainTrace::withoutCounters);
    }

    /** The replay's frames whose path walked the chain {@code ing} of {@code table}, in capture order, as {@link #kernel}. */
    private static List<NftChainTrace.Decided> replayed(List<PacketTrace> traces, String table) {
        return NftChainTrace.replayed(traces, table,
                t -> t.packet().iface() + " len " + t.packet().length(), NftChainTrace::withoutCounters);
    }

    private static List<PacketTrace> traces() throws IOException {
        return CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"));
    }

    private static List<String> traceLines() throws IOException {
        return Files.readAllLines(DIR.resolve("nft-trace.txt"));
    }

    private static boolean fragment(PacketTrace t) {
        return t.packet().info().contains("frag off");
    }

    @Test
    void bothIngressChainsAreReplayedForIpv6() throws IOException {
        Bundle b = BundleLoader.loadDirectory(DIR);
        assertEquals(List.of("netdev pkp_nd6 ing", "inet pkp_ig6 ing"),
                b.nftReplay().chains().stream().map(c -> c.chain().qualifiedName()).toList());
        assertTrue(b.nftReplay().chains().stream().allMatch(c -> c.ingress()));
    }

    @Test
    void everyPacketAtEitherChainEachFragmentOnItsOwnTakesTheKernelsRuleOrPolicy() throws IOException {
        List<PacketTrace> traces = traces();
        List<NftChainTrace.Decided> inet = kernel("inet pkp_ig6 ing");
        List<NftChainTrace.Decided> netdev = kernel("netdev pkp_nd6 ing");
        // six fragments reached the inet chain: two datagrams of three, each fragment traced there on its own
        long rawFragments = traceLines().stream().filter(l -> l.contains(" inet pkp_ig6 ing packet: ")
                && (l.contains(" ip6 nexthdr ipv6-frag ") || RAW_IP6.matcher(l).find())).count();
        assertEquals(6, rawFragments);
        assertTrue(inet.size() >= 15 && netdev.size() >= 13, inet + "\n" + netdev);
        assertEquals(inet, replayed(traces, "inet pkp_ig6"));
        assertEquals(netdev, replayed(traces, "netdev pkp_nd6"));
        assertEquals(6, traces.stream().filter(t -> fragment(t) && t.packet().dir().equals("in")
                && NftChainTrace.walked(t, Hook.INGRESS)).count());
    }

    @Test
    void thePacketsTheKernelDroppedAtIngressEndThereOnTheirOwnFrame() throws IOException {
        List<String> kernelDrops = new ArrayList<>();
        for (String chain : List.of("inet pkp_ig6 ing", "netdev pkp_nd6 ing")) {
            kernel(chain).stream().filter(s -> s.decision().endsWith(" drop"))
                    .forEach(s -> kernelDrops.add(s.packet() + " " + chain.split(" ")[0] + " " + s.decision()));
        }
        List<String> replayDrops = new ArrayList<>();
        for (PacketTrace t : traces()) {
            if (t.disposition() == Disposition.DROPPED_BY_RULE) {
                RuleStep r = (RuleStep) t.decisiveStep().orElseThrow();
                assertEquals(Hook.INGRESS, r.hook(), "frame " + t.packet().frame());
                assertEquals(r, t.path().get(t.path().size() - 1), "frame " + t.packet().frame());
                // a dropped fragment is dropped as itself: no datagram was made of it
                assertTrue(t.reassembled().isEmpty(), "frame " + t.packet().frame());
                replayDrops.add(t.packet().iface() + " len " + t.packet().length() + " "
                        + r.rule().table().split(" ")[0] + " " + NftChainTrace.withoutCounters(r.rule().text()));
            }
        }
        // TCP 23 (SYN and its retransmission), UDP 5353, and the first fragment of the datagram to 5301
        assertTrue(kernelDrops.stream().anyMatch(d -> d.endsWith("udp dport 5301 counter drop")), kernelDrops.toString());
        assertEquals(4, kernelDrops.size(), kernelDrops.toString());
        assertEquals(kernelDrops.stream().sorted().toList(), replayDrops.stream().sorted().toList());
    }

    @Test
    void theLetThroughDatagramCrossesPreroutingOnceWholeAndTheOneMissingAFragmentNever() throws IOException {
        List<String> lines = traceLines();
        // the kernel: one traced walk of raw PREROUTING for the whole datagram to 5300 (8 + 3000 bytes of payload),
        // none of a packet to 5301 past the ingress chains
        List<String> wholeIds = lines.stream().filter(l -> l.contains(" ip6 raw PREROUTING packet: ")
                && l.contains(" ip6 length 3008 ")).map(l -> l.split(" ")[2]).distinct().toList();
        assertEquals(1, wholeIds.size(), wholeIds.toString());
        assertTrue(lines.stream().noneMatch(l -> l.contains(" ip6 raw PREROUTING packet: ")
                && l.contains("udp dport 5301 ")));
        List<PacketTrace> traces = traces();
        List<PacketTrace> whole = traces.stream().filter(t -> t.reassembled().isPresent()
                && t.packet().dir().equals("in")).toList();
        assertEquals(1, whole.size());
        PacketTrace datagram = whole.get(0);
        assertEquals(40 + 3008, datagram.reassembled().get().datagram().length());
        assertEquals(Disposition.DELIVERED_LOCALLY, datagram.disposition());
        // the fragment that completed it walked the ingress chains as itself, then the datagram went on to PREROUTING
        assertTrue(NftChainTrace.walked(datagram, Hook.INGRESS) && NftChainTrace.walked(datagram, Hook.PREROUTING));
        assertTrue(datagram.packet().length() < 1500, datagram.packet().toString());
        List<PacketTrace> lost = traces.stream().filter(t -> t.disposition() == Disposition.REASSEMBLY_FAILED).toList();
        assertEquals(2, lost.size());
        for (PacketTrace t : lost) {
            assertEquals(FrameRole.FRAGMENT, t.role());
            assertTrue(NftChainTrace.walked(t, Hook.INGRESS) && !NftChainTrace.walked(t, Hook.PREROUTING), t.path().toString());
            assertTrue(t.notes().stream().anyMatch(n -> n.contains("dropped by an ingress chain")), t.notes().toString());
        }
    }

    @Test
    void theFlowTheInetChainAcceptsGoesOnToPreroutingWhereConntrackTracksIt() throws IOException {
        List<String> lines = traceLines();
        // the kernel: the SYN to 8081 accepted by the inet chain, then the netdev chain, raw PREROUTING and INPUT's
        // NEW rule under the same trace id
        String syn = lines.stream().filter(l -> l.contains(" inet pkp_ig6 ing packet: ") && l.contains(" tcp dport 8081 ")
                && l.contains("tcp flags == syn ")).map(l -> l.split(" ")[2]).findFirst().orElseThrow();
        List<String> where = lines.stream().filter(l -> l.startsWith("trace id " + syn + " ") && !l.contains(" packet: "))
                .map(l -> l.replaceAll("^trace id \\S+ (\\S+ \\S+ \\S+) .*", "$1")).distinct().toList();
        assertEquals(List.of("inet pkp_ig6 ing", "netdev pkp_nd6 ing", "ip6 raw PREROUTING", "ip6 filter INPUT"), where);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("trace id " + syn + " ip6 filter INPUT rule ct state new ")));
        // the replay: the flow's packets from the uplink, each accepted at ingress, then NEW and ESTABLISHED in conntrack
        List<PacketTrace> flow = traces().stream().filter(t -> t.packet().dir().equals("in") && t.packet().dport() == 8081)
                .toList();
        assertTrue(flow.size() >= 4, flow.toString());
        List<io.pktpath.core.trace.CtState> states = new ArrayList<>();
        for (PacketTrace t : flow) {
            assertEquals(Disposition.DELIVERED_LOCALLY, t.disposition(), t.reason());
            assertTrue(t.path().stream().anyMatch(s -> s instanceof RuleStep r && r.hook() == Hook.INGRESS
                    && r.rule().text().contains("tcp dport 8081") && r.verdict().kind().name().equals("ACCEPT")));
            t.path().stream().filter(s -> s instanceof io.pktpath.core.trace.ConntrackStep)
                    .map(s -> ((io.pktpath.core.trace.ConntrackStep) s).state()).forEach(states::add);
        }
        assertEquals(io.pktpath.core.trace.CtState.NEW, states.get(0));
        assertTrue(states.subList(1, states.size()).stream().allMatch(st -> st == io.pktpath.core.trace.CtState.ESTABLISHED),
                states.toString());
    }

    @Test
    void theKernelsVerdictsAndCountersAreThoseOfTheReplay() throws IOException {
        VerifyReport report = Verifier.verify(DIR);
        assertEquals(report.kernelPackets(), report.compared(), report.text());
        assertEquals(report.compared(), report.equal(), report.text());
        assertEquals(report.hitsCompared(), report.hitsEqual(), report.text());
        long nativeCounters = Files.readAllLines(DIR.resolve("nft-ruleset.txt")).stream()
                .filter(l -> l.contains("counter packets") && !l.contains("nftrace")
                        && !l.contains("ct state")).count();
        assertTrue(report.text().contains(nativeCounters + " native nftables rule counters"), report.text());
    }
}
