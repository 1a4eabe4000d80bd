package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * bundles/set-target replayed: port knocking with {@code -j SET}: the knock adds the client to pkp_knock, 2222 is
 * accepted only while it is a member, the client that never knocked is dropped, {@code --del-set} removes the member,
 * a re-knock without {@code --exist} keeps the old timeout (the member expires) and with {@code --exist} resets it.
 */
class SetTargetReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("set-target");

    private static PacketTrace syn(List<PacketTrace> traces, String src, int sport, int dport) {
        String info = src + ":" + sport + " > 172.18.0.2:" + dport + " [S]";
        return traces.stream().filter(t -> t.packet().info().contains(info)).findFirst()
                .orElseThrow(() -> new AssertionError(info));
    }

    /** The effects of the filter INPUT SET rules the packet matched, in path order. */
    private static List<String> setEffects(PacketTrace t) {
        return t.path().stream().filter(s -> s instanceof RuleStep r && r.rule().text().contains("-j SET"))
                .flatMap(s -> ((RuleStep) s).effects().stream()).toList();
    }

    @Test
    void theKnockSequenceIsReplayedAsTheKernelDidIt() throws IOException {
        List<PacketTrace> traces = CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"));
        String a = "172.18.0.1";
        PacketTrace before = syn(traces, a, 45001, 2222);
        assertEquals(Disposition.DROPPED_BY_RULE, before.disposition(), "not knocked yet");
        assertEquals(List.of("added 172.18.0.1,tcp:2222 to pkp_seen"), setEffects(before));

        PacketTrace knock = syn(traces, a, 45002, 7001);
        assertEquals(Disposition.DROPPED_BY_RULE, knock.disposition());
        assertEquals(List.of("added 172.18.0.1 to pkp_knock (timeout 5 s)"), setEffects(knock));

        PacketTrace ssh = syn(traces, a, 45003, 2222);
        assertEquals(Disposition.DELIVERED_LOCALLY, ssh.disposition(), "accepted after the knock");
        assertEquals(List.of("172.18.0.1,tcp:2222 already a member of pkp_seen (timeout not refreshed without --exist)"),
                setEffects(ssh));

        PacketTrace stranger = syn(traces, "172.18.0.11", 45004, 2222);
        assertEquals(Disposition.DROPPED_BY_RULE, stranger.disposition(), "the client that never knocked");

        assertEquals(List.of("deleted 172.18.0.1 from pkp_knock"), setEffects(syn(traces, a, 45005, 7009)));
        assertEquals(Disposition.DROPPED_BY_RULE, syn(traces, a, 45006, 2222).disposition(), "after --del-set");

        assertEquals(List.of("added 172.18.0.1 to pkp_knock (timeout 5 s)"), setEffects(syn(traces, a, 45007, 7001)));
        assertEquals(List.of("172.18.0.1 already a member of pkp_knock (timeout not refreshed without --exist)"),
                setEffects(syn(traces, a, 45008, 7001)));
        assertEquals(Disposition.DROPPED_BY_RULE, syn(traces, a, 45009, 2222).disposition(),
                "expired: the second knock without --exist kept the first one's timeout");

        assertEquals(List.of("added 172.18.0.1 to pkp_knock (timeout 5 s)"), setEffects(syn(traces, a, 45010, 7002)));
        assertEquals(List.of("refreshed 172.18.0.1 in pkp_knock (timeout 5 s)"), setEffects(syn(traces, a, 45011, 7002)));
        PacketTrace last = syn(traces, a, 45012, 2222);
        assertEquals(Disposition.DELIVERED_LOCALLY, last.disposition(), "--exist reset the timeout");
        assertTrue(last.notes().stream().noneMatch(n -> n.contains("SET")), last.notes().toString());
    }
}
