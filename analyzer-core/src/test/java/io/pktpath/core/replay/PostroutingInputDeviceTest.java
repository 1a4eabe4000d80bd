package io.pktpath.core.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.findings.SampleBundles;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code iifname} in POSTROUTING, on the recorded docker-nftables node (Docker 29's nftables backend): ip_output hands
 * the hook the device a forwarded packet came in on, so Docker's {@code iifname vmap @nat-postrouting-out-jumps} finds
 * the container's bridge, while a locally generated packet has no input device; br_netfilter's POSTROUTING of a bridged
 * frame has none either (samples/recorder/checks/postrouting-iifname.sh: a bridged ping counted by {@code oifname "br0"}
 * and {@code iifname != "br0"}, by neither {@code iifname "br0"} nor the port's name).
 */
class PostroutingInputDeviceTest {
    @TempDir
    Path dir;

    private final List<PacketTrace> traces = new ArrayList<>();

    private void analyze(UnaryOperator<String> change) throws IOException {
        analyze("docker-nftables", change);
    }

    private void analyze(String bundle, UnaryOperator<String> change) throws IOException {
        Path sample = SampleBundles.sample(bundle);
        Path copy = Files.createTempDirectory(dir, bundle);
        try (Stream<Path> files = Files.list(sample)) {
            for (Path f : files.filter(p -> !p.getFileName().toString().startsWith("nft-")
                    && !p.getFileName().toString().equals("README.md")).toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Files.writeString(copy.resolve("nft-ruleset.txt"),
                change.apply(Files.readString(sample.resolve("nft-ruleset.txt"))));
        Analyzer.analyze(BundleLoader.loadDirectory(copy), Optional.of(copy.resolve("capture.pcap")),
                AnalysisOptions.DEFAULT, traces::add, n -> { }, () -> false);
    }

    private PacketTrace syn(FrameRole role, String info) {
        return traces.stream().filter(t -> t.role() == role && t.packet().info().contains(info)
                && t.packet().info().contains(" [S] ")).findFirst().orElseThrow(() -> new AssertionError(info));
    }

    private static List<String> postrouting(PacketTrace t) {
        return t.kernelSteps().stream().filter(s -> s instanceof RuleStep r && r.rule().chain().toLowerCase().startsWith("nat-post"))
                .map(s -> ((RuleStep) s).rule().chain() + " " + ((RuleStep) s).verdict()).toList();
    }

    @Test
    void aForwardedPacketsInputDeviceIsSeenInPostroutingAndALocalPacketHasNone() throws IOException {
        analyze(s -> s);
        PacketTrace egress = syn(FrameRole.INGRESS, "172.17.0.2:43001 > 172.18.0.1:9000");
        assertEquals(List.of("nat-POSTROUTING JUMP:nat-postrouting-out__docker0", "nat-postrouting-out__docker0 ACCEPT"),
                postrouting(egress));
        assertTrue(egress.nat().orElseThrow().masquerade());
        PacketTrace local = syn(FrameRole.LOCAL_OUT, "172.18.0.2:43007");
        assertEquals(List.of("nat-POSTROUTING JUMP:nat-postrouting-in__docker0"), postrouting(local),
                "only the oifname map: the node's own packet has no input device");
        assertEquals("172.18.0.2", local.nat().orElseThrow().after().src().toString());
    }

    @Test
    void anIifnameRuleInPostroutingMatchesTheUplinkForTheDnatedConnections() throws IOException {
        // a rule Docker does not write: masquerade what came in on eth0 and leaves on docker0
        analyze(s -> s.replace("oifname vmap @nat-postrouting-in-jumps # handle",
                "iifname \"eth0\" oifname \"docker0\" masquerade\n\t\toifname vmap @nat-postrouting-in-jumps # handle"));
        PacketTrace published = syn(FrameRole.INGRESS, "172.18.0.1:41001 > 172.18.0.2:8080");
        assertEquals("172.17.0.1", published.nat().orElseThrow().after().src().toString(), "masqueraded to docker0's");
        assertEquals("172.17.0.2", published.nat().get().after().dst().toString());
        PacketTrace local = syn(FrameRole.LOCAL_OUT, "172.18.0.2:43007");
        assertEquals("172.18.0.2", local.nat().orElseThrow().after().src().toString(), "no input device: kept");
    }

    @Test
    void aBridgedFrameHasNoInputDeviceInPostrouting() throws IOException {
        // podman-netavark: dns -> web on podman0 is bridged (br_netfilter runs the IP hooks with the bridge as devices)
        String rule = "ip saddr 10.88.0.3 ip daddr 10.88.0.2 tcp dport 80 %s \"podman0\" drop\n\t\t";
        analyze("podman-netavark", s -> s.replace("meta mark & 0x00002000 == 0x00002000 masquerade # handle 20",
                rule.formatted("iifname") + "meta mark & 0x00002000 == 0x00002000 masquerade # handle 20"));
        PacketTrace bridged = syn(FrameRole.INGRESS, "10.88.0.3:43002 > 10.88.0.2:80");
        assertEquals(io.pktpath.core.trace.Disposition.FORWARDED, bridged.disposition(), bridged.reason());
        traces.clear();
        analyze("podman-netavark", s -> s.replace("meta mark & 0x00002000 == 0x00002000 masquerade # handle 20",
                rule.formatted("oifname") + "meta mark & 0x00002000 == 0x00002000 masquerade # handle 20"));
        PacketTrace control = syn(FrameRole.INGRESS, "10.88.0.3:43002 > 10.88.0.2:80");
        assertEquals(io.pktpath.core.trace.Disposition.DROPPED_BY_RULE, control.disposition(),
                "the same rule with oifname drops it: the chain is reached");
    }

    @Test
    void aBridgedDnatHasNoInputDeviceInPostrouting() throws IOException {
        // docker-nftables-hairpin: containers of docker0 to the host's published port, DNATed to web on the same bridge;
        // br_netfilter bridges them (bridged DNAT), so nat-POSTROUTING's iifname vmap finds no device and only the
        // oifname vmap jumps (as nft-trace.txt shows), to MASQ TO OWN PORT for web's own connection
        analyze("docker-nftables-hairpin", s -> s);
        PacketTrace own = syn(FrameRole.INGRESS, "172.17.0.2:42001 > 172.18.0.2:8080");
        assertEquals(List.of("nat-POSTROUTING JUMP:nat-postrouting-in__docker0", "nat-postrouting-in__docker0 ACCEPT"),
                postrouting(own));
        assertTrue(own.nat().orElseThrow().masquerade());
        assertEquals("172.17.0.1", own.nat().get().after().src().toString());
        assertEquals(1, own.notes().stream().filter(n -> n.startsWith("br_netfilter: the DNAT to 172.17.0.2")
                && n.contains("hairpin on") && n.contains("POSTROUTING with no input device")).count(), own.notes().toString());
        PacketTrace other = syn(FrameRole.INGRESS, "172.17.0.3:42003 > 172.18.0.2:8080");
        assertEquals(List.of("nat-POSTROUTING JUMP:nat-postrouting-in__docker0"), postrouting(other),
                "not nat-postrouting-out__docker0 (iifname docker0), which a routed packet from docker0 reaches");
        assertEquals("172.17.0.3", other.nat().orElseThrow().after().src().toString());
        assertTrue(other.notes().stream().anyMatch(n -> n.contains("(bridged DNAT)")
                && n.contains("POSTROUTING with no input device")), other.notes().toString());
    }
}
