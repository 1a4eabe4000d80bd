package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.verify.Verifier;
import io.pktpath.core.verify.VerifyReport;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * bundles/brf-bridge-filter replayed: a native {@code table bridge pkp_br} (prerouting, forward, input, output,
 * postrouting at -200) and
 * ebtables-nft's {@code table bridge filter} (FORWARD) run for the IP frames crossing bridge br-pkp, around
 * br_netfilter's IP hooks. The frames each bridge rule dropped are the ones nft monitor trace shows it dropping, and
 * verify ties every traced packet (bridge steps included) to a frame with the kernel's steps and counters.
 */
class BrfBridgeFilterReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("brf-bridge-filter");
    private static final Pattern IP_ID = Pattern.compile(" ip id (\\d+) ");

    private static List<PacketTrace> traces() throws IOException {
        return CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"));
    }

    @Test
    void theBridgeChainsAreReplayedAndTheArpChainRefusedNamingWhy() throws IOException {
        Bundle b = BundleLoader.loadDirectory(DIR);
        assertEquals(List.of("bridge pkp_br br_pre", "bridge pkp_br br_fwd", "bridge pkp_br br_in",
                        "bridge pkp_br br_out", "bridge pkp_br br_post", "bridge filter FORWARD"),
                b.nftReplay().chains().stream().map(c -> c.chain().qualifiedName()).toList());
        assertTrue(b.nftReplay().chains().stream().allMatch(c -> c.bridge()));
        String input = b.nftReplay().refusal("bridge filter INPUT").orElseThrow();
        assertTrue(input.contains("xt match arp"), input);
    }

    @Test
    void eachFrameABridgeRuleDroppedInTheKernelIsDroppedByThatRule() throws IOException {
        // the kernel: each packet nft monitor trace shows ending in a bridge table's drop, as "ID chain rule"
        List<String> kernel = NftChainTrace.bridgeDrops(DIR.resolve("nft-trace.txt"), packet -> {
            Matcher id = IP_ID.matcher(packet);
            return id.find() ? id.group(1) : "-";
        });
        List<String> replay = NftChainTrace.droppedByRule(traces(), t -> String.valueOf(t.packet().ipId()));
        // a's two SYNs to b:8081 (br_fwd), b's datagram to c:5301 (ebtables FORWARD), the two spoofed SYNs (br_pre,
        // ebtables FORWARD), a's two SYNs to the bridge's TCP 23 (br_in), b's datagram to c:5302 (br_post), the echo
        // requests to c the node sent and the one it routed from the uplink (br_out)
        assertEquals(10, kernel.size(), kernel.toString());
        assertEquals(kernel.stream().sorted().toList(), replay.stream().sorted().toList());
    }

    @Test
    void verifyTiesEveryTracedPacketWithItsBridgeStepsAndTheCountersAgree() throws IOException {
        VerifyReport report = Verifier.verify(DIR);
        assertEquals(report.kernelPackets(), report.compared(), report.text());
        assertEquals(report.compared(), report.equal(), report.text());
        assertEquals(report.hitsCompared(), report.hitsEqual(), report.text());
        assertTrue(report.text().contains("(bridge filter:INPUT) are left out"), report.text());
    }
}
