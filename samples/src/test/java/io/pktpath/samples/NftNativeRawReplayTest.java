package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.ConntrackStep;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.verify.Verifier;
import io.pktpath.core.verify.VerifyReport;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * bundles/nft-native-raw replayed: the native table inet pkp_raw, in the shape of RHEL 8's firewalld raw_PREROUTING
 * (priority -290, after iptables' raw, before conntrack) and an output chain at -250. The kernel (nft-trace.txt,
 * trace.txt, the counters) read {@code ct state invalid} for every packet in both chains but for the node's ping to
 * itself at PREROUTING (looped over lo, it carries its ct in), left UDP 5300 untracked both ways by {@code notrack} (no
 * conntrack entry), and dropped the IPv6 pings from the spoofed pod source with
 * {@code fib saddr . iif oif missing}; pktpath does the same.
 */
class NftNativeRawReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("nft-native-raw");

    private static List<String> nativeSteps(PacketTrace t) {
        return t.kernelSteps().stream().map(s -> s instanceof RuleStep r ? r.rule().chain() + " #"
                + r.rule().position() + " " + r.verdict() : s instanceof PolicyStep p && p.table().equals("inet pkp_raw")
                ? p.chain() + " policy " + p.verdict() : "").filter(s -> s.startsWith("raw_")).toList();
    }

    private static List<PacketTrace> frames(List<PacketTrace> traces, String info) {
        List<PacketTrace> out = traces.stream().filter(t -> t.packet().info().contains(info)).toList();
        assertTrue(!out.isEmpty(), "no frame " + info);
        return out;
    }

    private static CtState lookup(PacketTrace t, Hook hook) {
        return t.path().stream().filter(s -> s instanceof ConntrackStep c && c.hook() == hook)
                .map(s -> ((ConntrackStep) s).state()).findFirst().orElseThrow();
    }

    @Test
    void everyPacketReadsInvalidBeforeConntrackNotrackLeavesUdpUntrackedAndTheSpoofedSourceIsDropped()
            throws IOException {
        Bundle bundle = BundleLoader.loadDirectory(DIR);
        List<PacketTrace> traces = CaptureReplays.replay(bundle, DIR.resolve("capture.pcap"));
        List<PacketTrace> ip = traces.stream().filter(t -> !t.packet().info().startsWith("ARP")).toList();
        assertEquals(27, ip.size());
        int looped = 0;
        for (PacketTrace t : ip) {
            if (t.packet().iface().equals("lo")) {
                looped++;
                assertEquals("raw_OUTPUT #1 CONTINUE", nativeSteps(t).get(0), "sent: no ct yet " + t.packet().info());
                assertTrue(nativeSteps(t).stream().noneMatch(s -> s.startsWith("raw_PREROUTING #1")),
                        "looped over lo it carries its ct into PREROUTING: " + nativeSteps(t));
                continue;
            }
            String first = t.packet().dir().equals("out") ? "raw_OUTPUT #1 CONTINUE" : "raw_PREROUTING #1 CONTINUE";
            assertEquals(first, nativeSteps(t).get(0), "ct state invalid before the lookup: " + t.packet().info());
        }
        assertEquals(2, looped, "the node's ping to itself");

        PacketTrace syn = frames(traces, "172.18.0.1:44000 > 172.18.0.2:8081 [S]").get(0);
        assertEquals(List.of("raw_PREROUTING #1 CONTINUE", "raw_PREROUTING #6 JUMP:raw_PREROUTING_ZONES",
                "raw_PREROUTING_ZONES #1 GOTO:raw_PRE_public", "raw_PRE_public #1 CONTINUE",
                "raw_PREROUTING policy POLICY:ACCEPT"), nativeSteps(syn));
        assertEquals(CtState.NEW, lookup(syn, Hook.PREROUTING));

        PacketTrace udp = frames(traces, "172.18.0.1:45000 > 172.18.0.2:5300").get(0);
        assertEquals(Disposition.DELIVERED_LOCALLY, udp.disposition());
        assertEquals(List.of("raw_PREROUTING #1 CONTINUE", "raw_PREROUTING #2 CONTINUE", "raw_PREROUTING #3 CONTINUE",
                "raw_PREROUTING #6 JUMP:raw_PREROUTING_ZONES", "raw_PREROUTING_ZONES #1 GOTO:raw_PRE_public",
                "raw_PREROUTING policy POLICY:ACCEPT"),
                nativeSteps(udp), "notrack, then ct state untracked matches");
        assertEquals(CtState.UNTRACKED, lookup(udp, Hook.PREROUTING));
        PacketTrace reply = frames(traces, "172.18.0.2:5300 > 172.18.0.1:45000").get(0);
        assertEquals(CtState.UNTRACKED, lookup(reply, Hook.OUTPUT));

        List<PacketTrace> spoofed = frames(traces, "fd00:10:244:1::2 > fd00:18::2 echo request");
        assertEquals(2, spoofed.size());
        for (PacketTrace t : spoofed) {
            assertEquals(Disposition.DROPPED_BY_RULE, t.disposition());
            assertEquals(List.of("raw_PREROUTING #1 CONTINUE", "raw_PREROUTING #5 DROP"), nativeSteps(t));
        }
        for (PacketTrace t : frames(traces, "fd00:18::1 > fd00:18::2 echo request")) {
            assertEquals(Disposition.DELIVERED_LOCALLY, t.disposition(), "the route back to fd00:18::1 is eth0");
        }
    }

    @Test
    void verifyFindsEveryPacketAndEveryCounterEqual() throws IOException {
        VerifyReport report = Verifier.verify(DIR);
        assertEquals(List.of(), report.differences());
        assertEquals(report.compared(), report.equal());
        assertEquals(27, report.compared(), "every traced packet, IPv4 from trace.txt, IPv6 from nft-trace.txt");
        assertEquals(report.hitsCompared(), report.hitsEqual());
        assertTrue(report.hitsCompared() >= 21, "the iptables counters and the 7 native rules': " + report.hitsCompared());
    }
}
