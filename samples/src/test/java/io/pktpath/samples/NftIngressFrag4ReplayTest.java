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
 * bundles/nft-ingress-frag4 replayed: IPv4 fragments through a netdev ingress chain on eth0 (priority 0) and an inet
 * one (priority -10), with conntrack in use, so that nf_defrag_ipv4 reassembles after them. Every packet nft-trace.txt
 * shows at either chain (each fragment on its own) is compared, in order, with the replay's walk of that chain; the
 * drops, the non-first-fragment counter, the fragments' fate and the counters are the kernel's.
 */
class NftIngressFrag4ReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("nft-ingress-frag4");
    private static final Pattern COUNTER = Pattern.compile(" counter packets (\\d+) bytes \\d+");
    /** nft's packet line: the IPv4 packet's whole length (nft decodes every fragment's IPv4 header). */
    private static final Pattern IP_LENGTH = Pattern.compile(" ip length (\\d+) ");
    private static final Pattern IP_ID = Pattern.compile(" ip id (\\d+) ");

    private static String describe(String line) {
        String iif = NftChainTrace.field(line, "iif").replace("\"", "");
        Matcher m = IP_LENGTH.matcher(line);
        assertTrue(m.find(), line);
        return iif + " len " + m.group(1);
    }

    private static List<NftChainTrace.Decided> kernel(String chain) throws IOException {
        return NftChainTrace.read(DIR.resolve("nft-trace.txt"), chain, NftIngressFrag4ReplayTest::describe,
                NftChainTrace::withoutCounters);
    }

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

    /** The packets the kernel counted at the rule of nft-ruleset.txt whose text contains {@code part}. */
    private static int kernelCounter(String part) throws IOException {
        String line = Files.readAllLines(DIR.resolve("nft-ruleset.txt")).stream().filter(l -> l.contains(part))
                .findFirst().orElseThrow();
        Matcher m = COUNTER.matcher(line);
        assertTrue(m.find(), line);
        return Integer.parseInt(m.group(1));
    }

    /** The IP IDs of the datagrams the uplink sent fragmented: those of the 1500-byte packets at the inet chain. */
    private static List<String> fragmentedIds(List<String> lines) {
        return lines.stream().filter(l -> l.contains(" inet pkp_ig4 ing packet: ") && l.contains(" ip length 1500 "))
                .map(l -> {
                    Matcher m = IP_ID.matcher(l);
                    assertTrue(m.find(), l);
                    return m.group(1);
                }).distinct().toList();
    }

    @Test
    void bothIngressChainsAreReplayedForIpv4WithTheFragmentOffsetRule() throws IOException {
        Bundle b = BundleLoader.loadDirectory(DIR);
        assertEquals(List.of("netdev pkp_nd4 ing", "inet pkp_ig4 ing"),
                b.nftReplay().chains().stream().map(c -> c.chain().qualifiedName()).toList());
        assertTrue(b.nftReplay().chains().stream().allMatch(c -> c.ingress()));
    }

    @Test
    void everyPacketAtEitherChainEachFragmentOnItsOwnTakesTheKernelsRuleOrPolicy() throws IOException {
        List<String> lines = traceLines();
        List<String> ids = fragmentedIds(lines);
        assertEquals(2, ids.size(), ids.toString());
        // the kernel traced every fragment at the inet chain on its own: two datagrams of three
        long fragmentsAtInet = lines.stream().filter(l -> l.contains(" inet pkp_ig4 ing packet: ")
                && ids.stream().anyMatch(id -> l.contains(" ip id " + id + " "))).count();
        assertEquals(6, fragmentsAtInet);
        List<PacketTrace> traces = traces();
        List<NftChainTrace.Decided> inet = kernel("inet pkp_ig4 ing");
        List<NftChainTrace.Decided> netdev = kernel("netdev pkp_nd4 ing");
        assertTrue(inet.size() >= 10 && netdev.size() >= 9, inet + "\n" + netdev);
        assertEquals(inet, replayed(traces, "inet pkp_ig4"));
        assertEquals(netdev, replayed(traces, "netdev pkp_nd4"));
        assertEquals(6, traces.stream().filter(t -> t.packet().dir().equals("in") && t.packet().info().contains("frag")
                && NftChainTrace.walked(t, Hook.INGRESS)).count());
    }

    @Test
    void theNonFirstFragmentsAreThoseTheFragmentOffsetRuleCounts() throws IOException {
        // the kernel: `ip frag-off & 8191 != 0 counter` counted the second and third fragment of each datagram, and
        // `meta l4proto udp counter` every UDP packet the 5301 drop before it let through, fragments included
        int kernelNonFirst = kernelCounter("frag-off & 8191 != 0 counter");
        int kernelUdp = kernelCounter("meta l4proto udp counter");
        assertEquals(4, kernelNonFirst);
        assertEquals(6, kernelUdp);
        long nonFirst = 0;
        long udp = 0;
        for (PacketTrace t : traces()) {
            for (var s : t.path()) {
                if (s instanceof RuleStep r && r.hook() == Hook.INGRESS && r.rule().table().equals("netdev pkp_nd4")) {
                    nonFirst += r.rule().text().contains("frag-off") ? 1 : 0;
                    udp += r.rule().text().contains("meta l4proto udp") ? 1 : 0;
                }
            }
        }
        assertEquals(kernelNonFirst, nonFirst);
        assertEquals(kernelUdp, udp);
    }

    @Test
    void thePacketsTheKernelDroppedAtIngressEndThereOnTheirOwnFrame() throws IOException {
        List<String> kernelDrops = new ArrayList<>();
        for (String chain : List.of("inet pkp_ig4 ing", "netdev pkp_nd4 ing")) {
            kernel(chain).stream().filter(s -> s.decision().endsWith(" drop"))
                    .forEach(s -> kernelDrops.add(s.packet() + " " + chain.split(" ")[0] + " " + s.decision()));
        }
        List<String> replayDrops = new ArrayList<>();
        for (PacketTrace t : traces()) {
            if (t.disposition() == Disposition.DROPPED_BY_RULE) {
                RuleStep r = (RuleStep) t.decisiveStep().orElseThrow();
                assertEquals(Hook.INGRESS, r.hook(), "frame " + t.packet().frame());
                assertEquals(r, t.path().get(t.path().size() - 1), "frame " + t.packet().frame());
                assertTrue(t.reassembled().isEmpty(), "frame " + t.packet().frame());
                replayDrops.add(t.packet().iface() + " len " + t.packet().length() + " "
                        + r.rule().table().split(" ")[0] + " " + NftChainTrace.withoutCounters(r.rule().text()));
            }
        }
        // UDP 5353 at the inet chain, and the first fragment (1500 bytes) of the datagram to 5301 at the netdev chain
        assertEquals(List.of("eth0 len 1500 netdev meta protocol ip udp dport 5301 counter drop"),
                kernelDrops.stream().filter(d -> d.contains("5301")).toList());
        assertEquals(2, kernelDrops.size(), kernelDrops.toString());
        assertEquals(kernelDrops.stream().sorted().toList(), replayDrops.stream().sorted().toList());
    }

    @Test
    void theLetThroughDatagramCrossesPreroutingOnceWholeAndTheOneMissingAFragmentNever() throws IOException {
        List<String> lines = traceLines();
        // the kernel: one traced walk of raw PREROUTING for the whole datagram to 5300 (20 + 8 + 3000 bytes), none of
        // a packet to 5301 past the ingress chains
        List<String> wholeIds = lines.stream().filter(l -> l.contains(" ip raw PREROUTING packet: ")
                && l.contains(" ip length 3028 ")).map(l -> l.split(" ")[2]).distinct().toList();
        assertEquals(1, wholeIds.size(), wholeIds.toString());
        assertTrue(lines.stream().noneMatch(l -> l.contains(" ip raw PREROUTING packet: ") && l.contains("udp dport 5301 ")));
        List<PacketTrace> traces = traces();
        List<PacketTrace> whole = traces.stream().filter(t -> t.reassembled().isPresent()
                && t.packet().dir().equals("in")).toList();
        assertEquals(1, whole.size());
        PacketTrace datagram = whole.get(0);
        assertEquals(3028, datagram.reassembled().get().datagram().length());
        assertEquals(Disposition.DELIVERED_LOCALLY, datagram.disposition());
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
    void theKernelsVerdictsAndCountersAreThoseOfTheReplayEveryFragmentTiedToItsFrame() throws IOException {
        VerifyReport report = Verifier.verify(DIR);
        assertEquals(report.kernelPackets(), report.compared(), report.text());
        assertEquals(report.compared(), report.equal(), report.text());
        assertEquals(report.hitsCompared(), report.hitsEqual(), report.text());
        assertTrue(!report.text().contains("NO FRAME") && !report.text().contains("untraced"), report.text());
        long nativeCounters = Files.readAllLines(DIR.resolve("nft-ruleset.txt")).stream()
                .filter(l -> l.contains("counter packets") && !l.contains("nftrace") && !l.contains("ct state")).count();
        assertTrue(report.text().contains(nativeCounters + " native nftables rule counters"), report.text());
    }
}
