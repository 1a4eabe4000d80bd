package io.pktpath.core.findings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorded ClusterIP bundle made to look like an IPVS-mode node (an {@code ipvsadm -Ln} naming its service with the
 * endpoints of its DNAT rules, or a kube-ipvs0 dummy holding its ClusterIP): IPVS_NOT_REPLAYED names the frames to the
 * service, computed here from the replay of the unmodified bundle, and the real servers; the bundle itself has no such
 * finding.
 */
class IpvsNotReplayedTest {
    private static final String BUNDLE = "clusterip-tcp";
    private static final Pattern CLUSTER_IP = Pattern.compile("-A KUBE-SERVICES -d (\\S+)/32 -p tcp .*--dport (\\d+) ");
    private static final Pattern ENDPOINT = Pattern.compile("-j DNAT --to-destination (\\S+)");

    private static String clusterIp;
    private static int port;
    private static List<String> endpoints;
    /** The frames that entered the node (or were sent by it) to the ClusterIP and port, in the unmodified bundle. */
    private static List<Long> toService;
    /** How the replay of the unmodified bundle ended them: {@code 40 forwarded}. */
    private static String shown;

    @TempDir
    Path dir;

    @BeforeAll
    static void readTheBundle() throws IOException {
        String rules = Files.readString(SampleBundles.sample(BUNDLE).resolve("iptables-save.txt"));
        Matcher m = CLUSTER_IP.matcher(rules);
        assertTrue(m.find());
        clusterIp = m.group(1);
        port = Integer.parseInt(m.group(2));
        List<String> eps = new ArrayList<>();
        Matcher e = ENDPOINT.matcher(rules);
        while (e.find()) {
            eps.add(e.group(1));
        }
        endpoints = eps.stream().sorted().toList();
        assertEquals(3, endpoints.size(), endpoints.toString());
        List<Long> frames = new ArrayList<>();
        java.util.Map<io.pktpath.core.trace.Disposition, Long> ends = new java.util.EnumMap<>(
                io.pktpath.core.trace.Disposition.class);
        Path d = SampleBundles.sample(BUNDLE);
        Analyzer.analyze(BundleLoader.loadDirectory(d), Optional.of(d.resolve("capture.pcap")), AnalysisOptions.DEFAULT,
                t -> {
                    PacketSummary p = t.datagram();
                    if ((t.role() == FrameRole.INGRESS || t.role() == FrameRole.LOCAL_OUT) && p.proto() == 6
                            && p.dport() == port && p.dst().map(a -> a.toString().equals(clusterIp)).orElse(false)) {
                        frames.add(t.packet().frame());
                        ends.merge(t.disposition(), 1L, Long::sum);
                    }
                }, n -> { }, () -> false);
        toService = List.copyOf(frames);
        shown = String.join(", ", ends.entrySet().stream().map(x -> x.getValue() + " " + x.getKey().words()).toList());
        assertTrue(toService.size() >= 8 * 3, "every connection sends at least SYN, data and FIN: " + toService);
    }

    private static Optional<Finding> ipvsFinding(AnalysisResult r) {
        return r.findings().stream().filter(f -> f.code().equals(Codes.IPVS_NOT_REPLAYED)).findFirst();
    }

    private static String listing() {
        StringBuilder sb = new StringBuilder("""
                IP Virtual Server version 1.2.1 (size=4096)
                Prot LocalAddress:Port Scheduler Flags
                  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
                TCP  10.96.0.1:443 rr
                  -> 172.18.0.2:6443              Masq    1      0          0
                """);
        sb.append("TCP  ").append(clusterIp).append(':').append(port).append(" rr\n");
        for (String ep : endpoints) {
            sb.append("  -> ").append(ep).append("  Masq    1      0          0\n");
        }
        return sb.toString();
    }

    /** The frames a finding names: the first {@link FrameSample#KEEP} of those to the service. */
    private static List<Long> expectedFrames() {
        return toService.subList(0, Math.min(FrameSample.KEEP, toService.size()));
    }

    @Test
    void theRecordedBundleIsNoIpvsNode() {
        AnalysisResult r = SampleBundles.analyze(BUNDLE);
        assertTrue(ipvsFinding(r).isEmpty());
        assertTrue(r.assumptions().stream().noneMatch(a -> a.contains("IPVS")));
    }

    @Test
    void anIpvsadmListingNamesTheFramesToTheServiceAndItsRealServers() throws IOException {
        Path b = SampleBundles.copy(BUNDLE, dir);
        Files.writeString(b.resolve("ipvsadm-Ln.txt"), listing());
        Bundle bundle = BundleLoader.loadDirectory(b);
        assertTrue(bundle.inventory().missing().stream().noneMatch(m -> m.contains("ipvsadm")));
        AnalysisResult r = SampleBundles.analyze(b);
        Finding f = ipvsFinding(r).orElseThrow(() -> new AssertionError(r.findings().toString()));
        assertEquals(FindingSeverity.WARNING, f.severity());
        assertEquals(expectedFrames(), f.frames());
        String service = "TCP " + clusterIp + ":" + port;
        String frames = toService.size() + " frames (first: " + String.join(", ", expectedFrames().stream()
                .map(String::valueOf).toList()) + ", ...)";
        assertTrue(f.title().contains(frames + " to IPVS virtual addresses"), f.title());
        assertTrue(f.evidence().contains("IPVS mode: ipvsadm-Ln.txt (ipvsadm) lists 2 IPVS virtual services"),
                f.evidence().toString());
        assertTrue(f.evidence().contains(frames + " to virtual service " + service + ": the kernel's IPVS would have"
                + " sent each to one of " + String.join(", ", endpoints) + " (rr, masq)"), f.evidence().toString());
        assertTrue(f.evidence().contains("pktpath shows these frames as netfilter and routing handle them without IPVS ("
                + shown + "; a virtual address is local, so a packet no rule rewrites is delivered locally); the node's "
                + "IPVS rewrote their destination to a real server and forwarded them there"), f.evidence().toString());
        assertEquals(List.of("ipvsadm-Ln.txt:6 " + service + " rr"), f.rules());
        assertTrue(r.assumptions().stream().anyMatch(a -> a.contains("IPVS mode") && a.contains("IPVS_NOT_REPLAYED")));
    }

    @Test
    void aKubeIpvs0DummyWithTheClusterIpNamesTheFramesAndSaysWhatIsMissing() throws IOException {
        Path b = SampleBundles.copy(BUNDLE, dir);
        Files.delete(b.resolve("ip-j-addr.json"));
        Files.writeString(b.resolve("ip-addr.txt"), Files.readString(b.resolve("ip-addr.txt"))
                + "7: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default\n"
                + "    link/ether 6a:31:0e:5c:d2:41 brd ff:ff:ff:ff:ff:ff\n"
                + "    inet " + clusterIp + "/32 scope global kube-ipvs0\n"
                + "       valid_lft forever preferred_lft forever\n");
        Files.writeString(b.resolve("ip-link.txt"), Files.readString(b.resolve("ip-link.txt"))
                + "7: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN mode DEFAULT group default\n"
                + "    link/ether 6a:31:0e:5c:d2:41 brd ff:ff:ff:ff:ff:ff\n");
        Bundle bundle = BundleLoader.loadDirectory(b);
        String evidence = "interface kube-ipvs0 exists and holds 1 address (" + clusterIp + ")";
        assertEquals(List.of(evidence), bundle.ipvs().evidence());
        assertTrue(bundle.inventory().lines().contains("missing: no ipvsadm -Ln: IPVS virtual services unknown (the node "
                + "runs kube-proxy in IPVS mode: " + evidence + ")"), bundle.inventory().lines().toString());
        AnalysisResult r = SampleBundles.analyze(b);
        Finding f = ipvsFinding(r).orElseThrow(() -> new AssertionError(r.findings().toString()));
        assertEquals(expectedFrames(), f.frames());
        assertTrue(f.evidence().stream().anyMatch(e -> e.startsWith(toService.size() + " frames (first: "
                + expectedFrames().get(0) + ", ") && e.contains(" to " + clusterIp + ", an address of kube-ipvs0 (no "
                + "ipvsadm -Ln")), f.evidence().toString());
        assertEquals(List.of(), f.rules());
    }
}
