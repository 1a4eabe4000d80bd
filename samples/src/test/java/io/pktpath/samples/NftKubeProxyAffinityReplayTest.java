package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * bundles/nft-kube-proxy-affinity replayed: kube-proxy's nftables mode with sessionAffinity: ClientIP (10 s). A
 * client's first connection is a numgen choice whose endpoint chain puts its address in that endpoint's affinity set;
 * its later connections match {@code ip saddr @affinity-…} in the service chain and go to the same endpoint without a
 * random choice; after the element expired the next connection is a numgen choice again, as the kernel did.
 */
class NftKubeProxyAffinityReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("nft-kube-proxy-affinity");
    private static final Map<String, String> POD_IPS = Map.of("web1", "10.244.1.3", "web2", "10.244.1.4");

    private static List<PacketTrace> replay() throws IOException {
        return CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"));
    }

    private static PacketTrace syn(List<PacketTrace> traces, String src, int sport) {
        String info = src + ":" + sport + " > 10.96.0.10:80 [S]";
        return traces.stream().filter(t -> t.role() == FrameRole.INGRESS && t.packet().info().contains(info))
                .findFirst().orElseThrow(() -> new AssertionError(info));
    }

    /** The nft text of the rule in the service chain that sent the packet on to an endpoint chain. */
    private static String serviceRule(PacketTrace t) {
        return t.path().stream().filter(s -> s instanceof RuleStep r && r.rule().chain().startsWith("service-")
                        && r.verdict().toString().startsWith("GOTO:endpoint-"))
                .map(s -> ((RuleStep) s).rule().text()).findFirst().orElse("");
    }

    /** The effects of the endpoint chain's {@code update @affinity-…} rule on the packet. */
    private static List<String> affinityEffects(PacketTrace t) {
        return t.path().stream().filter(s -> s instanceof RuleStep r && r.rule().text().startsWith("update @affinity-"))
                .flatMap(s -> ((RuleStep) s).effects().stream()).toList();
    }

    private static String endpoint(PacketTrace t) {
        assertEquals(Disposition.FORWARDED, t.disposition(), "frame " + t.packet().frame() + ": " + t.reason());
        return t.nat().orElseThrow().after().dst().toString();
    }

    private static Set<String> alternatives(PacketTrace t) {
        Set<String> out = new TreeSet<>();
        t.alternatives().forEach(a -> out.add(a.nat().orElseThrow().after().dst().toString()));
        return out;
    }

    @Test
    void theAffinitySetsAreDynamicSetsWithTheServicesTimeoutAndEveryChainIsTranslated() throws IOException {
        Bundle b = BundleLoader.loadDirectory(DIR);
        assertEquals(2, b.nftReplay().ipsets().size(), b.nftReplay().ipsets().toString());
        b.nftReplay().ipsets().forEach(s -> {
            assertTrue(s.name().startsWith("ip:kube-proxy:affinity-"), s.name());
            assertEquals("10", s.options().get("timeout"), s.name());
            assertTrue(s.entries().isEmpty(), s.name());
        });
        b.nftReplay().chains().forEach(c -> assertTrue(b.nftReplay().refusal("ip kube-proxy " + c.name()).isEmpty(),
                c.name()));
    }

    @Test
    void theClientsConnectionsWithinTheTimeoutArePinnedToTheEndpointOfItsFirst() throws IOException {
        List<PacketTrace> traces = replay();
        Map<String, String> env = RecordedBundles.scenarioEnv(DIR);
        String pinned = POD_IPS.get(env.get("CLIENT_ENDPOINT"));
        PacketTrace first = syn(traces, "10.244.1.2", 45101);
        assertEquals(pinned, endpoint(first), "frame " + first.packet().frame());
        assertTrue(serviceRule(first).startsWith("numgen random mod 2 vmap"), serviceRule(first));
        assertEquals(Set.of("10.244.1.3", "10.244.1.4"), alternatives(first), "a random choice of 1/2 each");
        assertEquals(1, affinityEffects(first).size(), affinityEffects(first).toString());
        assertTrue(affinityEffects(first).get(0).startsWith("@affinity-")
                && affinityEffects(first).get(0).contains(": created the element 10.244.1.2 "),
                affinityEffects(first).toString());
        for (int sport = 45102; sport <= 45106; sport++) {
            PacketTrace t = syn(traces, "10.244.1.2", sport);
            String frame = "frame " + t.packet().frame() + " (sport " + sport + ")";
            assertEquals(pinned, endpoint(t), frame);
            assertTrue(serviceRule(t).startsWith("ip saddr @affinity-"), frame + ": " + serviceRule(t));
            assertTrue(serviceRule(t).contains("__" + pinned + "/8080 goto endpoint-"), frame + ": " + serviceRule(t));
            assertEquals(Set.of(), alternatives(t), frame + ": the set decides, no random choice");
            assertTrue(affinityEffects(t).get(0).startsWith("@affinity-")
                    && affinityEffects(t).get(0).contains(": the element 10.244.1.2 (timeout refreshed)"),
                    frame + ": " + affinityEffects(t));
        }
    }

    @Test
    void theSecondClientMakesItsOwnChoiceAndIsPinnedToIt() throws IOException {
        List<PacketTrace> traces = replay();
        String pinned = POD_IPS.get(RecordedBundles.scenarioEnv(DIR).get("CLIENT2_ENDPOINT"));
        PacketTrace first = syn(traces, "10.244.1.5", 45201);
        assertEquals(pinned, endpoint(first));
        assertTrue(serviceRule(first).startsWith("numgen random mod 2 vmap"), serviceRule(first));
        for (int sport = 45202; sport <= 45203; sport++) {
            PacketTrace t = syn(traces, "10.244.1.5", sport);
            assertEquals(pinned, endpoint(t), "frame " + t.packet().frame());
            assertTrue(serviceRule(t).startsWith("ip saddr @affinity-"), serviceRule(t));
        }
    }

    @Test
    void afterTheElementExpiredTheNextConnectionIsANewRandomChoice() throws IOException {
        List<PacketTrace> traces = replay();
        PacketTrace t = syn(traces, "10.244.1.2", 45107);
        String frame = "frame " + t.packet().frame();
        assertEquals(POD_IPS.get(RecordedBundles.scenarioEnv(DIR).get("CLIENT_AFTER_EXPIRY_ENDPOINT")), endpoint(t),
                frame);
        assertTrue(serviceRule(t).startsWith("numgen random mod 2 vmap"), frame + ": " + serviceRule(t));
        assertEquals(Set.of("10.244.1.3", "10.244.1.4"), alternatives(t), frame);
        assertTrue(affinityEffects(t).get(0).startsWith("@affinity-")
                && affinityEffects(t).get(0).contains(": created the element 10.244.1.2 "),
                frame + ": the expired element is added anew: " + affinityEffects(t));
    }
}
