package io.pktpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.cli.render.FlowsText;
import io.pktpath.cli.render.Style;
import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.conntrack.FlowRecord;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Flows text in colour on the recorded VXLAN overlay: a carrier's unreplied is yellow with its reason, not red; a
 * carrier with another outcome shows it as any flow would, with a tunnel line.
 */
class FlowsTextColourTest {
    @Test
    void aCarriersUnrepliedIsYellowWithItsReasonAndAnotherUnrepliedStaysRed() throws Exception {
        Path dir = Path.of(Cli.bundle("overlay-vxlan"));
        List<FlowRecord> flows = Analyzer.analyze(BundleLoader.loadDirectory(dir), Optional.of(dir.resolve("capture.pcap")),
                AnalysisOptions.DEFAULT, t -> { }, n -> { }, () -> false).flows();
        FlowRecord carrier = flows.get(1);
        // the same flow without its tunnel, as a flow no tie names would be
        FlowRecord plain = new FlowRecord(carrier.id(), carrier.zone(), carrier.original(), carrier.reply(),
                carrier.nat(), carrier.state(), carrier.assured(), carrier.packetsOriginal(), carrier.bytesOriginal(),
                carrier.packetsReply(), carrier.bytesReply(), carrier.firstNanos(), carrier.lastNanos(),
                carrier.replied(), carrier.end(), carrier.fromBundle(), carrier.mark(), carrier.firstFrame(),
                carrier.lastFrame(), carrier.frames());
        assertEquals("\u001b[1mflow 2\u001b[0m udp  \u001b[33munreplied\u001b[0m (VXLAN (VNI 1) carrier of flow 1: each"
                + " direction has its own source port, as the kernel's conntrack shows)", head(carrier));
        assertEquals("\u001b[1mflow 2\u001b[0m udp  \u001b[31munreplied\u001b[0m", head(plain));

        // the same carrier had its timer run out before the capture's end: expired as any flow, with its tunnel line
        FlowRecord expired = new FlowRecord(carrier.id(), carrier.zone(), carrier.original(), carrier.reply(),
                carrier.nat(), carrier.state(), carrier.assured(), carrier.packetsOriginal(), carrier.bytesOriginal(),
                carrier.packetsReply(), carrier.bytesReply(), carrier.firstNanos(), carrier.lastNanos(),
                carrier.replied(), io.pktpath.core.conntrack.FlowEnd.EXPIRED, carrier.fromBundle(), carrier.mark(),
                carrier.firstFrame(), carrier.lastFrame(), carrier.frames(), carrier.tunnel());
        assertEquals("\u001b[1mflow 2\u001b[0m udp  \u001b[33mexpired\u001b[0m", head(expired));
        assertTrue(text(expired).contains("\n  tunnel: VXLAN (VNI 1) carrier of flow 1\n"), text(expired));
    }

    private static String head(FlowRecord f) {
        String out = text(f);
        assertTrue(out.startsWith("1 flow\n\n"), out);
        return out.lines().skip(2).findFirst().orElseThrow();
    }

    private static String text(FlowRecord f) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FlowsText.render(List.of(f), new Style(true), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
