package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.CheckStep;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.IcmpRedirect;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ICMP redirects of the iptables-traced bundles whose packets were forwarded out of the interface they came in on:
 * the kernel's trace.txt shows each redirect (LEN=88, TOS 0xc0: 20 + 8 + the quoted 60-byte SYN) in raw OUTPUT only,
 * nf_nat having dropped it at nat OUTPUT, and the replay sends one for the same packets, in the same order, to the same
 * addresses, and sends none for the packets the kernel's rate limit held back.
 */
class IcmpRedirectReplayTest {

    /** The kernel's redirects in trace.txt: SRC and DST of each locally generated 88-byte packet with TOS 0xc0. */
    private static List<String> kernelRedirects(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("trace.txt"))) {
            if (line.startsWith("PACKET: 2 ") && !line.contains(" IN=") && line.contains(" LEN=88 TOS=0xc0 ")) {
                out.add(field(line, "SRC") + ">" + field(line, "DST") + " " + field(line, "OUT"));
            }
        }
        return out;
    }

    private static String field(String line, String key) {
        for (String w : line.split(" ")) {
            if (w.startsWith(key + "=")) {
                return w.substring(key.length() + 1);
            }
        }
        return "";
    }

    private static Optional<CheckStep> redirectCheck(PacketTrace t) {
        return t.path().stream().filter(s -> s instanceof CheckStep c && c.check().equals("icmp redirect"))
                .map(CheckStep.class::cast).findFirst();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hairpin-nomasq", "hairpin-masq", "loadbalancer-firewall"})
    void theReplaySendsTheRedirectsTheKernelTracedAndNatOutputDropsEach(String name) throws IOException {
        Path dir = RecordedBundles.bundlesDir().resolve(name);
        List<String> kernel = kernelRedirects(dir);
        assertFalse(kernel.isEmpty(), name + ": the recording shows redirects");
        List<PacketTrace> traces = CaptureReplays.replay(BundleLoader.loadDirectory(dir), dir.resolve("capture.pcap"));
        List<String> replayed = new ArrayList<>();
        int checked = 0;
        for (PacketTrace t : traces) {
            if (t.role() != FrameRole.INGRESS || redirectCheck(t).isEmpty()) {
                continue;
            }
            checked++;
            if (t.redirect().isPresent()) {
                IcmpRedirect r = t.redirect().get();
                replayed.add(r.source() + ">" + r.destination() + " " + r.outIface());
                assertEquals(88, r.length());
                assertTrue(r.dropped(), name + " frame " + t.packet().frame() + ": " + r.outcome());
                assertEquals(t.packet().src().orElseThrow(), r.destination(), "the redirect goes to the packet's source");
            } else {
                String detail = redirectCheck(t).get().detail();
                assertTrue(detail.contains("rate-limited"), name + " frame " + t.packet().frame() + ": " + detail);
            }
        }
        assertEquals(kernel, replayed, name);
        assertTrue(checked >= kernel.size());
    }
}
