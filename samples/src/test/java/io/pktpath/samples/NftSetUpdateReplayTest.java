package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * bundles/nft-set-update replayed: port knocking with nft's set statements in a native chain: {@code add @knocked}
 * puts the client in the dynamic set, 2222 is accepted only while it is an element, {@code delete} removes it, a second
 * {@code add} keeps the first timeout (the element expires) and {@code update} refreshes it, as the kernel did.
 */
class NftSetUpdateReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("nft-set-update");
    private static final String SET = "inet:pkp_ks:knocked";

    private static PacketTrace syn(List<PacketTrace> traces, String src, int sport, int dport) {
        String info = src + ":" + sport + " > 172.18.0.2:" + dport + " [S]";
        return traces.stream().filter(t -> t.packet().info().contains(info)).findFirst()
                .orElseThrow(() -> new AssertionError(info));
    }

    /** The effects of the native rules with a set statement the packet matched, in path order. */
    private static List<String> setEffects(PacketTrace t) {
        return t.path().stream().filter(s -> s instanceof RuleStep r && r.rule().text().contains("@knocked {"))
                .flatMap(s -> ((RuleStep) s).effects().stream()).toList();
    }

    /** The nft text of the native rule that ended the packet's walk of inet pkp_ks input, if one did. */
    private static String lastNativeRule(PacketTrace t) {
        return t.path().stream().filter(s -> s instanceof RuleStep r && r.rule().table().equals("inet pkp_ks"))
                .map(s -> ((RuleStep) s).rule().text()).reduce((a, b) -> b).orElse("");
    }

    @Test
    void theChainIsReplayedWithTheSetAsAnEmptyIpset() throws IOException {
        Bundle b = BundleLoader.loadDirectory(DIR);
        assertEquals(List.of("input"), b.nftReplay().chains().stream().map(c -> c.name()).toList());
        assertTrue(b.nftReplay().refusal("inet pkp_ks input").isEmpty());
        assertEquals(List.of(SET), b.nftReplay().ipsets().stream().map(s -> s.name()).toList());
        assertEquals("60", b.nftReplay().ipsets().get(0).options().get("timeout"), "the set's timeout 1m");
        assertTrue(b.nftReplay().ipsets().get(0).entries().isEmpty());
    }

    @Test
    void theKnockSequenceIsReplayedAsTheKernelDidIt() throws IOException {
        List<PacketTrace> traces = CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"));
        String a = "172.18.0.1";
        PacketTrace before = syn(traces, a, 46001, 2222);
        assertEquals(Disposition.DROPPED_BY_RULE, before.disposition(), "not knocked yet");
        assertEquals("tcp dport 2222 counter packets 4 bytes 240 drop", lastNativeRule(before));

        PacketTrace knock = syn(traces, a, 46002, 7001);
        assertEquals(Disposition.DROPPED_BY_RULE, knock.disposition());
        assertEquals(List.of("@knocked: created the element 172.18.0.1 without an expression: the statement goes on, expires 5 s after this"
                + " packet"), setEffects(knock));

        PacketTrace ssh = syn(traces, a, 46003, 2222);
        assertEquals(Disposition.DELIVERED_LOCALLY, ssh.disposition(), "accepted after the knock");
        assertEquals("tcp dport 2222 ip saddr @knocked counter packets 2 bytes 120 accept", lastNativeRule(ssh));

        assertEquals(Disposition.DROPPED_BY_RULE, syn(traces, "172.18.0.11", 46004, 2222).disposition(),
                "the client that never knocked");
        assertEquals(List.of("deleted 172.18.0.1 from " + SET), setEffects(syn(traces, a, 46005, 7009)));
        assertEquals(Disposition.DROPPED_BY_RULE, syn(traces, a, 46006, 2222).disposition(), "after delete");

        assertEquals(List.of("@knocked: created the element 172.18.0.1 without an expression: the statement goes on, expires 5 s after this"
                + " packet"), setEffects(syn(traces, a, 46007, 7001)));
        assertEquals(List.of("@knocked: the element 172.18.0.1, which has no expression: the statement goes on, expires 5 s"
                + " after it was created"),
                setEffects(syn(traces, a, 46008, 7001)));
        assertEquals(Disposition.DROPPED_BY_RULE, syn(traces, a, 46009, 2222).disposition(),
                "expired: the second add kept the first one's timeout");

        assertEquals(List.of("@knocked: created the element 172.18.0.1 without an expression: the statement goes on, expires 5 s after this"
                + " packet"), setEffects(syn(traces, a, 46010, 7002)));
        assertEquals(List.of("@knocked: the element 172.18.0.1 (timeout refreshed), which has no expression: the statement"
                + " goes on, expires 5 s after this packet"), setEffects(syn(traces, a, 46011, 7002)));
        PacketTrace last = syn(traces, a, 46012, 2222);
        assertEquals(Disposition.DELIVERED_LOCALLY, last.disposition(), "update refreshed the timeout");
        assertTrue(last.notes().stream().noneMatch(n -> n.contains("SET")), last.notes().toString());
    }
}
