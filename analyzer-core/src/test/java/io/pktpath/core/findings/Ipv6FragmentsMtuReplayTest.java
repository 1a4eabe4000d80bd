package io.pktpath.core.findings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.ConntrackStep;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.verify.Verifier;
import io.pktpath.core.verify.VerifyReport;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Held to samples/bundles/ipv6-fragments-mtu (pods at MTU 1500, the node's eth0 at 1280, conntrack in use): the client
 * pod sends a 3000-byte datagram to the uplink in 1496-byte fragments (frames 30-32); reassembled, its largest fragment
 * is longer than eth0's MTU, so ip6_forward drops it with packet too big (frame 33), which carries the datagram's entry.
 * The next one comes in 1280-byte fragments (frames 34-36), is masqueraded and leaves as frames 39-41 under a new
 * fragment identification. The node's packet too big for the DNATed flows (frames 104, 106) leaves un-DNATed.
 */
class Ipv6FragmentsMtuReplayTest {
    private static Map<Long, PacketTrace> traces;

    @BeforeAll
    static void replay() throws IOException {
        traces = SampleBundles.traces("ipv6-fragments-mtu").stream().collect(Collectors.toMap(t -> t.packet().frame(), Function.identity()));
    }

    @Test
    void aReassembledDatagramWhoseLargestFragmentExceedsTheEgressMtuIsTooBig() {
        PacketTrace whole = traces.get(32L);
        assertEquals(Disposition.MTU_EXCEEDED, whole.disposition(), whole.reason());
        assertEquals("3048 bytes exceed eth0's MTU 1280, reassembled from fragments of up to 1496 bytes, also longer"
                + " than it (frag_max_size): the kernel does not forward it (no FORWARD hook) and answers ICMPv6 packet"
                + " too big (mtu 1280)", whole.reason());
        assertEquals(List.of(30L, 31L, 32L), whole.reassembled().get().fragments());
        PacketTrace tooBig = traces.get(33L);
        assertEquals(Disposition.SENT, tooBig.disposition(), tooBig.reason());
        assertEquals(List.of(CtState.RELATED), states(tooBig));
    }

    @Test
    void fragmentsThatFitTheEgressMtuAreForwardedAndTiedToTheirCopyUnderANewIdentification() {
        PacketTrace whole = traces.get(36L);
        assertEquals(Disposition.FORWARDED, whole.disposition(), whole.reason());
        assertEquals(List.of(CtState.NEW), states(whole), "the dropped first datagram's entry was never confirmed");
        assertTrue(whole.correlated().containsAll(List.of(39L, 40L, 41L)), whole.correlated().toString());
        assertEquals("fd00:18::2", whole.nat().get().after().src().toString());
    }

    @Test
    void verifyTiesTheNodesPacketsTooBigToTheirFramesNotToFragmentsOfTheSameLength() throws IOException {
        VerifyReport report = Verifier.verify(SampleBundles.sample("ipv6-fragments-mtu"));
        assertEquals(report.kernelPackets(), report.compared());
        assertEquals(report.compared(), report.equal(), report.text());
        assertEquals(List.of(), report.untracedFrames());
    }

    private static List<CtState> states(PacketTrace t) {
        return t.path().stream().filter(s -> s instanceof ConntrackStep).map(s -> ((ConntrackStep) s).state()).toList();
    }
}
