package io.pktpath.core.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonGenerator;
import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.findings.SampleBundles;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Frames streamed as JSON lines (through a UTF-8 writer, or as characters) are, byte for byte, what printing the tree of
 * {@link TraceJson#frame} on a UTF-8 PrintStream gives: for every frame of every sample bundle (with and without the
 * path, with misses) and for texts that need escapes or are not ASCII.
 */
class TraceJsonWriteLineTest {
    private record Frame(PacketTrace trace, boolean withPath) {
    }

    private static byte[] printed(List<Frame> frames) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, false, StandardCharsets.UTF_8)) {
            frames.forEach(f -> out.println(TraceJson.line(TraceJson.frame(f.trace(), f.withPath()))));
        }
        return bytes.toByteArray();
    }

    private static byte[] streamed(List<Frame> frames) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, false, StandardCharsets.UTF_8)) {
            Writer utf8 = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            JsonGenerator g = TraceJson.generator(utf8);
            for (Frame f : frames) {
                TraceJson.writeFrameLine(g, f.trace(), f.withPath());
            }
            g.flush();
            utf8.flush();
        }
        return bytes.toByteArray();
    }

    /** Each frame written to a character generator, taken out after each frame as the CLI's json spool does. */
    private static byte[] streamedAsText(List<Frame> frames) throws Exception {
        StringWriter text = new StringWriter();
        JsonGenerator g = TraceJson.generator(text);
        StringBuilder all = new StringBuilder();
        for (Frame f : frames) {
            TraceJson.writeFrame(g, f.trace(), f.withPath());
            g.flush();
            all.append(text.getBuffer()).append(System.lineSeparator());
            text.getBuffer().setLength(0);
        }
        return all.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Path samples() {
        return SampleBundles.bundles();
    }

    @Test
    void everySampleFrameIsStreamedAsItsTreeIsPrinted() throws Exception {
        List<Path> bundles;
        try (Stream<Path> s = Files.list(samples())) {
            bundles = s.filter(Files::isDirectory).sorted().toList();
        }
        List<Frame> frames = new ArrayList<>();
        for (Path dir : bundles) {
            List<PacketTrace> traces = new ArrayList<>();
            Analyzer.analyze(BundleLoader.loadDirectory(dir), Optional.empty(), AnalysisOptions.DEFAULT.withMisses(true),
                    traces::add, n -> { }, () -> false);
            for (PacketTrace t : traces) {
                frames.add(new Frame(t, false));
                frames.add(new Frame(t, true));
            }
        }
        assertTrue(frames.size() > 1000, "frames: " + frames.size());
        byte[] printed = printed(frames);
        assertArrayEquals(printed, streamed(frames));
        assertArrayEquals(printed, streamedAsText(frames));
    }

    @Test
    void textsThatNeedEscapesOrAreNotAsciiAreStreamedAsPrinted() throws Exception {
        List<Frame> frames = new ArrayList<>();
        for (String text : new String[] {"", "plain", "quote \" backslash \\ slash /", "tab\tnewline\ncr\r nul\u0000 bell\u0007",
            "comment \"café\" ✓ 日本", "emoji \uD83D\uDE00", "lone \uD83D surrogate", "del \u007f c1 \u0085 ls \u2028"}) {
            PacketSummary p = new PacketSummary(1L << 40, 1_700_000_000_123_456_789L, "eth0", "in", 4, 17,
                    Optional.empty(), Optional.empty(), -1, -1, -1, 60, -1, -1, -1, text);
            frames.add(new Frame(new PacketTrace(p, FrameRole.INGRESS, List.of(), Disposition.DROPPED_BY_RULE, text,
                    Optional.empty(), Optional.empty(), List.of(7L), List.of(), List.of(), List.of(text, ""), 0), true));
        }
        byte[] printed = printed(frames);
        assertArrayEquals(printed, streamed(frames));
        assertArrayEquals(printed, streamedAsText(frames));
        String first = new String(printed, StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
        assertEquals("{\"frame\":1099511627776,\"time\":\"2023-11-14T22:13:20.123456789Z\",\"iface\":\"eth0\",\"dir\":\"in\","
                + "\"family\":4,\"proto\":\"udp\",\"src\":null,\"dst\":null,\"sport\":null,\"dport\":null,\"ipId\":null,"
                + "\"len\":60,\"info\":\"\",\"role\":\"INGRESS\",\"disposition\":\"DROPPED_BY_RULE\",\"reason\":\"\","
                + "\"steps\":[],\"conntrack\":null,\"nat\":null,\"route\":null,\"correlated\":[7],\"alternatives\":[],"
                + "\"notes\":[\"\",\"\"],\"path\":[]}", first);
    }
}
