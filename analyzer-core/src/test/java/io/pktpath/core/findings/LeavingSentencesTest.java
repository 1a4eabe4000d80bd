package io.pktpath.core.findings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.pktpath.core.trace.Alternative;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.DeferredText;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A leaving packet's sentence, which the replay leaves to be written when read, reads as it did when the replay wrote
 * it at once (the recorded bundles' own frames: a next hop, IPv6, a packet without ports, the node's own packet, NAT
 * and none), and is written once however often it is read.
 */
class LeavingSentencesTest {
    private static List<PacketTrace> traces(String bundle) {
        return SampleBundles.traces(bundle);
    }

    private static PacketTrace frame(String bundle, long frame) throws IOException {
        return traces(bundle).stream().filter(t -> t.packet().frame() == frame).findFirst().orElseThrow();
    }

    @Test
    void aForwardedPacketsSentenceNamesItsNextHop() throws IOException {
        List<String> via = traces("overlay-vxlan").stream().map(PacketTrace::reason).filter(r -> r.contains(" via "))
                .distinct().toList();
        assertEquals(List.of("forwarded out flannel.1 via 10.244.2.0 to 10.244.2.5:8080",
                "forwarded out flannel.1 via 10.244.2.0 to 10.244.2.5:5300",
                "forwarded out flannel.1 via 10.244.2.0 to 10.244.2.5:8080 (NAT: 10.244.1.2:46003 -> 10.96.0.20:80 became"
                        + " 10.244.1.2:46003 -> 10.244.2.5:8080)",
                "forwarded out flannel.1 via 10.244.2.0 to 10.244.2.5:47001",
                "forwarded out flannel.1 via 10.244.2.0 to 10.244.2.5",
                "forwarded out flannel.1 via 10.244.2.0 to 10.244.2.5:8080 (NAT: 172.18.0.1:47002 -> 172.18.0.2:30080"
                        + " became 10.244.1.0:38598 -> 10.244.2.5:8080)",
                "sent out flannel.1 via 10.244.2.0 to 10.244.2.5:8080"), via);
    }

    @Test
    void natChangesAreWrittenBeforeAndAfter() throws IOException {
        assertEquals("forwarded out cali62608e08adc to 10.244.1.2:41001 (NAT: 172.18.0.1:9000 -> 172.18.0.2:41001 became"
                + " 172.18.0.1:9000 -> 10.244.1.2:41001)", frame("pod-egress-masq", 7).reason());
        assertEquals("forwarded out cali62608e08adc to 10.244.1.2 (NAT: 172.18.0.1 -> 172.18.0.2 became 172.18.0.1 ->"
                + " 10.244.1.2)", frame("pod-egress-masq", 51).reason());
        assertEquals("forwarded out calie694aa37abf to [fd00:10:244:1::3]:8080 (NAT: [fd00:18::1]:46840 ->"
                + " [fd00:18::2]:30090 became [fd00:18::2]:40433 -> [fd00:10:244:1::3]:8080)",
                frame("ipv6-dnat-masq", 3).reason());
        assertEquals("sent out calie694aa37abf to 10.244.1.3:8080 (NAT: 172.18.0.2:45718 -> 10.96.0.40:80 became"
                + " 172.18.0.2:32157 -> 10.244.1.3:8080)", frame("output-dnat-local", 3).reason());
    }

    @Test
    void everyAlternativeOfAFirstPacketHasItsOwnSentence() throws IOException {
        List<Alternative> alternatives = frame("clusterip-tcp", 3).alternatives();
        assertEquals(3, alternatives.size());
        assertEquals("forwarded out calie694aa37abf to 10.244.1.3:8080 (NAT: 10.244.1.2:33324 -> 10.96.0.10:80 became"
                + " 10.244.1.2:33324 -> 10.244.1.3:8080)", alternatives.get(0).reason());
        assertEquals("forwarded out calibbddbd575d4 to 10.244.1.4:8080 (NAT: 10.244.1.2:33324 -> 10.96.0.10:80 became"
                + " 10.244.1.2:33324 -> 10.244.1.4:8080)", alternatives.get(1).reason());
        assertEquals("forwarded out calid55930f0396 to 10.244.1.5:8080 (NAT: 10.244.1.2:33324 -> 10.96.0.10:80 became"
                + " 10.244.1.2:33324 -> 10.244.1.5:8080)", alternatives.get(2).reason());
    }

    @Test
    void aSentenceIsWrittenOnceAndEqualsTheSameTextGiven() throws IOException {
        PacketTrace t = frame("clusterip-tcp", 3);
        String first = t.reason();
        assertSame(first, t.reason());
        assertEquals(DeferredText.of(first), t.reasonText());
        assertEquals(DeferredText.of(first).hashCode(), t.reasonText().hashCode());
        assertNotSame(DeferredText.of(first), t.reasonText());
    }
}
