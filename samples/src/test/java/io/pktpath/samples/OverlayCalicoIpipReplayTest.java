package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.capture.CaptureReader;
import io.pktpath.core.packet.PacketDecoder;
import io.pktpath.core.packet.PacketView;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TunnelTie;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bundles/overlay-calico-ipip replayed: every IP protocol 4 packet the node sent passed OUTPUT as its own packet
 * (Felix's "Allow IPIP packets to other Calico hosts") and carries the tunl0 frame before it, every one it received from
 * the remote node was delivered locally and carries the tunl0 frame after it, the one from a host outside
 * cali40all-hosts-net was dropped in INPUT undecapsulated; the ClusterIP connection is DNATed to the remote pod and then
 * routed into tunl0 via the remote node, natOutgoing masquerades only the connection that leaves the pools, and the
 * SYN's and SYN-ACK's MSS on the far side of the TCPMSS clamp are the ones the capture shows.
 */
class OverlayCalicoIpipReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("overlay-calico-ipip");
    private static List<PacketTrace> traces;

    @BeforeAll
    static void replay() throws IOException {
        traces = CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"));
    }

    private static List<PacketTrace> ipip(String src) {
        return traces.stream().filter(t -> t.packet().proto() == 4
                && t.packet().src().get().toString().equals(src)).toList();
    }

    private static List<String> ruleTexts(PacketTrace t) {
        return t.path().stream().filter(s -> s instanceof RuleStep).map(s -> ((RuleStep) s).rule().text()).toList();
    }

    /** The packet counter the kernel's iptables-save -c after the traffic holds for the rule whose text has {@code text}. */
    private static int kernelCount(String text) throws IOException {
        String line = Files.readAllLines(DIR.resolve("iptables-save-c-after.txt")).stream()
                .filter(l -> l.contains(text)).findFirst().orElseThrow();
        return Integer.parseInt(line.substring(1, line.indexOf(':')));
    }

    private static PacketTrace frame(long n) {
        return traces.stream().filter(t -> t.packet().frame() == n).findFirst().orElseThrow();
    }

    @Test
    void theNodesIpipPacketsAreItsOwnAcceptedByCaliOutputAndCarryTheTunl0FrameBeforeThem() throws IOException {
        List<PacketTrace> sent = ipip("172.18.0.2");
        // the kernel's counter of "Allow IPIP packets to other Calico hosts": one per frame eth0 Out 172.18.0.2 > 172.18.0.1
        assertEquals(kernelCount("Allow IPIP packets to other Calico hosts"), sent.size());
        assertTrue(sent.size() >= 10, "the two pod connections' packets to the remote pod");
        for (PacketTrace t : sent) {
            assertEquals(Disposition.SENT, t.disposition(), "frame " + t.packet().frame());
            assertTrue(ruleTexts(t).stream().anyMatch(r -> r.contains("Allow IPIP packets to other Calico hosts")),
                    ruleTexts(t).toString());
            TunnelTie tie = t.tunnel().orElseThrow();
            assertTrue(tie.carrier());
            assertEquals("IP-in-IP", tie.tunnel());
            PacketTrace inner = frame(tie.frame());
            assertEquals("tunl0", inner.packet().iface());
            assertTrue(inner.packet().frame() < t.packet().frame());
        }
    }

    @Test
    void theRemoteNodesIpipPacketsAreDeliveredAndDecapsulatedOntoTunl0AndTheOtherHostsIsDropped() throws IOException {
        List<PacketTrace> received = ipip("172.18.0.1");
        assertEquals(kernelCount("Allow IPIP packets from Calico hosts"), received.size());
        assertTrue(received.size() >= 10);
        for (PacketTrace t : received) {
            assertEquals(Disposition.DELIVERED_LOCALLY, t.disposition(), "frame " + t.packet().frame());
            assertTrue(ruleTexts(t).stream().anyMatch(r -> r.contains("Allow IPIP packets from Calico hosts")));
            TunnelTie tie = t.tunnel().orElseThrow();
            PacketTrace inner = frame(tie.frame());
            assertEquals("tunl0", inner.packet().iface());
            assertEquals("in", inner.packet().dir());
            assertTrue(tie.detail().contains("tunnel device, which decapsulates it"), tie.detail());
            String decapsulated = inner.tunnel().orElseThrow().detail();
            assertTrue(decapsulated.endsWith("delivered to its tunnel device; received on tunl0"), decapsulated);
        }
        // README: the frame from 172.18.0.9 dropped by "Drop IPIP packets from non-Calico hosts", nothing decapsulated
        PacketTrace rogue = ipip("172.18.0.9").get(0);
        assertEquals(Disposition.DROPPED_BY_RULE, rogue.disposition());
        assertTrue(ruleTexts(rogue).get(ruleTexts(rogue).size() - 1).contains("Drop IPIP packets from non-Calico hosts"));
        assertEquals(0, rogue.tunnel().orElseThrow().frame());
        assertTrue(rogue.tunnel().get().detail().endsWith("before the node's tunnel device got it: the packet it"
                + " carries was never decapsulated"), rogue.tunnel().get().detail());
    }

    @Test
    void theClusterIpSynIsDnatedToTheRemotePodThenRoutedIntoTunl0ViaTheRemoteNode() {
        PacketTrace syn = traces.stream().filter(t -> t.packet().info().contains("10.244.1.194:46202 > 10.96.0.30:80 [S]")
                && t.packet().dir().equals("in")).findFirst().orElseThrow();
        assertEquals(Disposition.FORWARDED, syn.disposition());
        // ip-route.txt: 10.244.2.0/26 via 172.18.0.1 dev tunl0 onlink; the capture: tunl0 Out 10.244.1.194.46202 >
        // 10.244.2.5.8080 [S], then eth0 Out 172.18.0.2 > 172.18.0.1: IP 10.244.1.194.46202 > 10.244.2.5.8080
        assertTrue(syn.reason().contains("out tunl0 via 172.18.0.1 to 10.244.2.5:8080"), syn.reason());
        PacketTrace onTunnel = traces.stream().filter(t -> t.packet().iface().equals("tunl0")
                && t.packet().info().contains("10.244.1.194:46202 > 10.244.2.5:8080 [S]")).findFirst().orElseThrow();
        PacketTrace outer = frame(onTunnel.tunnel().orElseThrow().frame());
        assertEquals("172.18.0.2", outer.packet().src().get().toString());
        assertEquals("172.18.0.1", outer.packet().dst().get().toString());
    }

    @Test
    void natOutgoingMasqueradesOnlyTheConnectionThatLeavesThePools() throws IOException {
        AnalysisResult result = Analyzer.analyze(BundleLoader.loadDirectory(DIR), Optional.of(DIR.resolve("capture.pcap")),
                AnalysisOptions.DEFAULT, t -> { }, n -> { }, () -> false);
        // conntrack-L.txt: only 10.244.1.194:46203 -> 172.18.0.1:9090 has a reply to 172.18.0.2 (the masquerade port);
        // the tunnel's own entry (unknown 4, 172.18.0.2 <-> 172.18.0.1) and the pod connections across it have none
        List<String> natted = result.flows().stream().filter(f -> f.nat().stream().anyMatch(n -> n.detail().contains("MASQUERADE")))
                .map(f -> f.original() + " reply " + f.reply()).toList();
        String kernel = Files.readAllLines(DIR.resolve("conntrack-L.txt")).stream().filter(l -> l.contains("dport=9090"))
                .findFirst().orElseThrow().replaceAll(".*src=172.18.0.1 dst=172.18.0.2 sport=9090 dport=(\\d+).*", "$1");
        assertEquals(List.of("10.244.1.194:46203 -> 172.18.0.1:9090 reply 172.18.0.1:9090 -> 172.18.0.2:" + kernel), natted);
        List<String> carriers = result.flows().stream().filter(f -> f.tunnel().isPresent())
                .map(f -> f.original() + " carries " + f.tunnel().get().innerFlows()).toList();
        assertEquals(1, carriers.size(), carriers.toString());
        assertTrue(carriers.get(0).startsWith("172.18.0.2 -> 172.18.0.1"), carriers.toString());
    }

    /** Every frame's TCP MSS option as the capture holds it (-1 without one), by frame number. */
    private static Map<Long, Integer> capturedMss() {
        Map<Long, Integer> mss = new HashMap<>();
        PacketDecoder decoder = new PacketDecoder();
        CaptureReader.open(DIR.resolve("capture.pcap")).read(f -> mss.put(f.frameNumber(),
                decoder.decode(f, new PacketView()).mss()));
        return mss;
    }

    /** The MSS the replay's TCPMSS clamp step says it lowers a larger option to, in the trace of {@code t}. */
    private static int clampedTo(PacketTrace t) {
        String effect = t.path().stream().filter(s -> s instanceof RuleStep).map(s -> (RuleStep) s)
                .flatMap(r -> r.effects().stream()).filter(e -> e.startsWith("tcp mss clamped")).findFirst().orElseThrow();
        return Integer.parseInt(effect.replaceAll(".* is lowered to (\\d+) .*", "$1"));
    }

    @Test
    void theClampLowersTheSynsAndSynAcksMssToWhatTheKernelWroteOnTheFarSideOfTheNode() throws IOException {
        Map<Long, Integer> mss = capturedMss();
        Map<String, String> env = RecordedBundles.scenarioEnv(DIR);
        // SYN_MSS_POD / SYN_MSS_TUNL0: the SYN's MSS on the pod's cali and on tunl0 (1460 and 1440, the tunnel's mtu 1480)
        int pod = Integer.parseInt(env.get("SYN_MSS_POD"));
        int tunnel = Integer.parseInt(env.get("SYN_MSS_TUNL0"));
        assertTrue(tunnel < pod, "the kernel clamped the SYN");
        // SYNACK_MSS_TUNL0 / SYNACK_MSS_POD: the remote pod's SYN-ACK as it came out of tunl0 and as it reached the pod
        assertEquals(pod, Integer.parseInt(env.get("SYNACK_MSS_TUNL0")));
        assertEquals(tunnel, Integer.parseInt(env.get("SYNACK_MSS_POD")), "the kernel clamped the SYN-ACK too");
        List<PacketTrace> handshakes = traces.stream().filter(t -> t.role() == FrameRole.INGRESS
                && t.disposition() == Disposition.FORWARDED && (t.packet().info().contains(" [S] ")
                || t.packet().info().contains(" [S.] "))).toList();
        assertEquals(8, handshakes.size(), "the SYNs and SYN-ACKs of the four connections");
        int crossing = 0;
        for (PacketTrace in : handshakes) {
            PacketTrace out = traces.stream().filter(t -> t.role() == FrameRole.EGRESS_COPY
                    && t.correlated().equals(List.of(in.packet().frame()))).findFirst().orElseThrow();
            int arrived = mss.get(in.packet().frame());
            int left = mss.get(out.packet().frame());
            assertEquals(Math.min(arrived, clampedTo(in)), left, "frame " + in.packet().frame() + " -> frame "
                    + out.packet().frame());
            if (in.packet().iface().equals("tunl0") || out.packet().iface().equals("tunl0")) {
                crossing++;
                assertEquals(tunnel, clampedTo(in), "held to tunl0's MTU: frame " + in.packet().frame());
            } else {
                assertEquals(pod, clampedTo(in), "eth0 and the pods' veths have MTU 1500: frame " + in.packet().frame());
            }
        }
        assertEquals(6, crossing, "the SYNs and SYN-ACKs of the three connections across the tunnel");
    }
}
