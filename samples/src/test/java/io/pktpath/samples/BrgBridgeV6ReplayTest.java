package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.verify.Verifier;
import io.pktpath.core.verify.VerifyReport;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * bundles/brg-bridge-v6 replayed: {@code table bridge pkp_br6} (prerouting, forward, input, postrouting at -200) runs
 * for IPv6 bridged frames (neighbour discovery included) with bridge-nf-call-ip6tables=1, and for a connection to a
 * service address that iptables' nat PREROUTING, run by br_netfilter, DNATs to a pod on the same bridge: the bridge's
 * prerouting chain sees the original destination, its forward and postrouting chains the translated one, as the
 * kernel's counters and trace show.
 */
class BrgBridgeV6ReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("brg-bridge-v6");
    private static final Pattern ADDRESSES = Pattern.compile(" ip6? saddr (\\S+) ip6? daddr (\\S+) ");
    private static final Pattern COUNTER = Pattern.compile("counter packets (\\d+) ");

    private static List<PacketTrace> traces() throws IOException {
        return CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"));
    }

    @Test
    void theBridgeChainsAreReplayed() throws IOException {
        Bundle b = BundleLoader.loadDirectory(DIR);
        assertEquals(List.of("bridge pkp_br6 br_pre", "bridge pkp_br6 br_fwd", "bridge pkp_br6 br_in",
                        "bridge pkp_br6 br_post"),
                b.nftReplay().chains().stream().map(c -> c.chain().qualifiedName()).toList());
        assertTrue(b.nftReplay().chains().stream().allMatch(c -> c.bridge()));
    }

    @Test
    void eachFrameABridgeRuleDroppedInTheKernelIsDroppedByThatRule() throws IOException {
        // the kernel: each packet nft monitor trace shows ending in a bridge table's drop, as "SRC DST chain rule"
        List<String> kernel = NftChainTrace.bridgeDrops(DIR.resolve("nft-trace.txt"), packet -> {
            Matcher a = ADDRESSES.matcher(packet);
            return a.find() ? a.group(1) + " " + a.group(2) : "-";
        });
        List<String> replay = NftChainTrace.droppedByRule(traces(),
                t -> t.packet().src().orElseThrow() + " " + t.packet().dst().orElseThrow());
        // a's two SYNs to [b]:8081 (br_fwd, by ip6 saddr/daddr and tcp dport), c's datagram to [b]:5301 (br_pre, by
        // ip6 saddr), a's echo request to c (br_post, by oifname, icmpv6 type and ip6 saddr), a's two SYNs to the
        // bridge's TCP 23 (br_in)
        assertEquals(6, kernel.size(), kernel.toString());
        assertEquals(kernel.stream().sorted().toList(), replay.stream().sorted().toList());
    }

    @Test
    void theBridgeForwardAndPostroutingChainsSeeTheDnatDestinationAsInTheKernel() throws IOException {
        // the kernel's counters of the rules that test the service address and the pod it is DNAT'd to, per chain
        Map<String, Long> kernel = new HashMap<>();
        for (String line : Files.readAllLines(DIR.resolve("nft-ruleset.txt"))) {
            Matcher c = COUNTER.matcher(line);
            for (String tag : List.of("pre original", "pre translated", "fwd original", "fwd translated",
                    "post original", "post translated")) {
                if (line.contains("\"" + tag + "\"") && c.find()) {
                    kernel.put(tag, Long.parseLong(c.group(1)));
                }
            }
        }
        assertEquals(6, kernel.size(), kernel.toString());
        // what the kernel showed: prerouting the original destination, forward and postrouting the translated one
        assertTrue(kernel.get("pre original") > 0 && kernel.get("pre translated") == 0, kernel.toString());
        assertTrue(kernel.get("fwd original") == 0 && kernel.get("fwd translated") > 0, kernel.toString());
        assertTrue(kernel.get("post original") == 0 && kernel.get("post translated") > 0, kernel.toString());
        Map<String, Long> replay = new HashMap<>();
        kernel.keySet().forEach(k -> replay.put(k, 0L));
        for (PacketTrace t : traces()) {
            for (var step : t.path()) {
                if (step instanceof RuleStep r && r.rule().table().equals("bridge pkp_br6")) {
                    for (String tag : kernel.keySet()) {
                        if (r.rule().text().contains("\"" + tag + "\"")) {
                            replay.merge(tag, 1L, Long::sum);
                        }
                    }
                }
            }
        }
        assertEquals(kernel, replay);
    }

    @Test
    void verifyTiesEveryTracedPacketWithItsBridgeStepsAndTheCountersAgree() throws IOException {
        VerifyReport report = Verifier.verify(DIR);
        assertTrue(report.kernelPackets() > 40, report.text());
        assertEquals(report.kernelPackets(), report.compared(), report.text());
        assertEquals(report.compared(), report.equal(), report.text());
        assertEquals(report.hitsCompared(), report.hitsEqual(), report.text());
    }
}
