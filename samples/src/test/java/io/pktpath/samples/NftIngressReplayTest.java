package io.pktpath.samples;

import static io.pktpath.samples.NftChainTrace.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.Disposition;
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
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * bundles/nft-ingress replayed: a netdev ingress chain on eth0 and lo (priority 0) and an inet ingress chain on eth0
 * (priority -10) run before PREROUTING. Every packet nft-trace.txt shows at either chain is compared, in order, with the
 * replay's walk of that chain (the rule that dropped it, or the policy); the dropped packets end there, and the
 * counters of the chains are the kernel's (the netdev chain's plain counter also counted the ARP frames, which are not
 * replayed).
 */
class NftIngressReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("nft-ingress");
    /** A netdev chain's packet line for a frame of lo (no link layer nft can name): the network header as hex. */
    private static final Pattern RAW_NH = Pattern.compile("@nh,0,160 0x([0-9a-f]{40})");

    /** nft trace's packet line as {@code IIF id ID len LENGTH}, from its fields or its raw network header. */
    private static String describe(String line) {
        String iif = field(line, "iif").replace("\"", "");
        Matcher raw = RAW_NH.matcher(line);
        if (raw.find()) {
            String nh = raw.group(1);
            return iif + " id " + Integer.parseInt(nh.substring(8, 12), 16) + " len "
                    + Integer.parseInt(nh.substring(4, 8), 16);
        }
        return iif + " id " + field(line, "ip id") + " len " + field(line, "ip length");
    }

    private static List<NftChainTrace.Decided> kernel(String chain) throws IOException {
        return NftChainTrace.read(DIR.resolve("nft-trace.txt"), chain, NftIngressReplayTest::describe,
                NftChainTrace::withoutCounters);
    }

    /** The replay's frames that walked the chain {@code ing} of {@code table}, in capture order, as {@link #kernel}. */
    private static List<NftChainTrace.Decided> replayed(List<PacketTrace> traces, String table) {
        return NftChainTrace.replayed(traces, table,
                t -> t.packet().iface() + " id " + t.packet().ipId() + " len " + t.packet().length(), NftChainTrace::withoutCounters);
    }

    private static List<PacketTrace> traces(Bundle b) {
        return CaptureReplays.replay(b, DIR.resolve("capture.pcap"));
    }

    @Test
    void bothIngressChainsAreReplayedWithTheirDevices() throws IOException {
        Bundle b = BundleLoader.loadDirectory(DIR);
        assertEquals(List.of("netdev pkp_nd ing", "inet pkp_ig ing"),
                b.nftReplay().chains().stream().map(c -> c.chain().qualifiedName()).toList());
        assertTrue(b.nftReplay().chains().stream().allMatch(c -> c.ingress()));
    }

    @Test
    void everyPacketAtEitherChainTakesTheRuleOrPolicyTheKernelsTookIt() throws IOException {
        List<PacketTrace> traces = traces(BundleLoader.loadDirectory(DIR));
        List<NftChainTrace.Decided> inet = kernel("inet pkp_ig ing");
        List<NftChainTrace.Decided> netdev = kernel("netdev pkp_nd ing");
        // the uplink's IP packets on eth0 (the inet chain), and of them those it let pass plus lo's (the netdev chain)
        assertTrue(inet.size() >= 17 && netdev.size() >= 20, inet + "\n" + netdev);
        assertTrue(netdev.stream().anyMatch(s -> s.packet().startsWith("lo ")), netdev.toString());
        assertEquals(inet, replayed(traces, "inet pkp_ig"));
        assertEquals(netdev, replayed(traces, "netdev pkp_nd"));
    }

    @Test
    void thePacketsTheKernelDroppedAtIngressEndThereDroppedByThatRule() throws IOException {
        List<String> kernelDrops = new ArrayList<>();
        for (String chain : List.of("inet pkp_ig ing", "netdev pkp_nd ing")) {
            kernel(chain).stream().filter(s -> s.decision().endsWith(" drop"))
                    .forEach(s -> kernelDrops.add(s.packet() + " " + chain.split(" ")[0] + " " + s.decision()));
        }
        List<String> replayDrops = new ArrayList<>();
        for (PacketTrace t : traces(BundleLoader.loadDirectory(DIR))) {
            if (t.disposition() == Disposition.DROPPED_BY_RULE) {
                RuleStep r = (RuleStep) t.decisiveStep().orElseThrow();
                assertEquals(Hook.INGRESS, r.hook(), "frame " + t.packet().frame());
                // nothing after the drop: no PREROUTING, no conntrack, no route
                assertEquals(r, t.path().get(t.path().size() - 1), "frame " + t.packet().frame());
                replayDrops.add(t.packet().iface() + " id " + t.packet().ipId() + " len " + t.packet().length() + " "
                        + r.rule().table().split(" ")[0] + " " + NftChainTrace.withoutCounters(r.rule().text()));
            }
        }
        // TCP 23 (two SYNs from the uplink, two over lo), UDP 5353, the echo requests over the limit
        assertTrue(kernelDrops.size() >= 7, kernelDrops.toString());
        assertEquals(kernelDrops.stream().sorted().toList(), replayDrops.stream().sorted().toList());
    }

    @Test
    void theKernelsVerdictsAndCountersAreThoseOfTheReplay() throws IOException {
        VerifyReport report = Verifier.verify(DIR);
        assertEquals(report.kernelPackets(), report.compared(), report.text());
        assertEquals(report.compared(), report.equal(), report.text());
        assertEquals(report.hitsCompared(), report.hitsEqual(), report.text());
        // every native counter but the netdev chain's plain `counter` (which also counts ARP) is compared
        long nativeCounters = Files.readAllLines(DIR.resolve("nft-ruleset.txt")).stream()
                .filter(l -> l.contains("counter packets") && !l.contains("nftrace")).count();
        assertTrue(report.text().contains((nativeCounters - 1) + " native nftables rule counters"), report.text());
    }

    @Test
    void theNetdevChainsPlainCounterIsTheReplayedIpPacketsPlusTheArpFramesReceived() throws IOException {
        String listing = Files.readString(DIR.resolve("nft-ruleset.txt"));
        Matcher m = Pattern.compile("\\n\\s*counter packets (\\d+) bytes (\\d+) # handle").matcher(listing);
        assertTrue(m.find(), listing);
        long kernelPackets = Long.parseLong(m.group(1));
        long kernelBytes = Long.parseLong(m.group(2));
        long packets = 0;
        long bytes = 0;
        for (PacketTrace t : traces(BundleLoader.loadDirectory(DIR))) {
            boolean counted = t.path().stream().anyMatch(s -> s instanceof RuleStep r
                    && r.rule().table().equals("netdev pkp_nd") && r.rule().text().startsWith("counter"));
            // a non-IP frame received on a device of the chain: ARP (28 bytes at the network layer)
            boolean arp = t.packet().family() == 0 && t.packet().dir().equals("in")
                    && List.of("eth0", "lo").contains(t.packet().iface())
                    && t.packet().info().toUpperCase(Locale.ROOT).startsWith("ARP");
            if (counted || arp) {
                packets++;
                bytes += counted ? t.packet().length() : 28;
            }
        }
        assertEquals(kernelPackets, packets);
        assertEquals(kernelBytes, bytes);
    }
}
