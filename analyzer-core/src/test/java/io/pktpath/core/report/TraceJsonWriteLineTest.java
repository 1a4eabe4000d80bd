package io.pktpath.core.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
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
 * JSON lines written through a UTF-8 writer are, byte for byte, what printing {@link TraceJson#line} on a UTF-8
 * PrintStream gave: for every frame of every sample bundle (with and without the path) and for texts that need escapes.
 */
class TraceJsonWriteLineTest {

    private static byte[] printed(List<ObjectNode> nodes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, false, StandardCharsets.UTF_8)) {
            nodes.forEach(n -> out.println(TraceJson.line(n)));
        }
        return bytes.toByteArray();
    }

    private static byte[] written(List<ObjectNode> nodes) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, false, StandardCharsets.UTF_8)) {
            Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            for (ObjectNode n : nodes) {
                TraceJson.writeLine(n, writer);
            }
            writer.flush();
        }
        return bytes.toByteArray();
    }

    private static Path samples() {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(p.resolve("samples/bundles"))) {
            p = p.getParent();
        }
        return p.resolve("samples/bundles");
    }

    @Test
    void everySampleFrameIsWrittenAsItWasPrinted() throws Exception {
        List<Path> bundles;
        try (Stream<Path> s = Files.list(samples())) {
            bundles = s.filter(Files::isDirectory).sorted().toList();
        }
        List<ObjectNode> nodes = new ArrayList<>();
        for (Path dir : bundles) {
            List<PacketTrace> traces = new ArrayList<>();
            Analyzer.analyze(BundleLoader.loadDirectory(dir), Optional.empty(), AnalysisOptions.DEFAULT.withMisses(true),
                    traces::add, n -> { }, () -> false);
            for (PacketTrace t : traces) {
                nodes.add(TraceJson.frame(t, false));
                nodes.add(TraceJson.frame(t, true));
            }
        }
        assertTrue(nodes.size() > 1000, "frames: " + nodes.size());
        assertArrayEquals(printed(nodes), written(nodes));
    }

    @Test
    void textsThatNeedEscapesOrAreNotAsciiAreWrittenAsPrinted() throws Exception {
        List<ObjectNode> nodes = new ArrayList<>();
        for (String text : new String[] {"", "plain", "quote \" backslash \\ slash /", "tab\tnewline\ncr\r nul\u0000 bell\u0007",
            "comment \"café\" ✓ 日本", "emoji \uD83D\uDE00", "lone \uD83D surrogate", "del \u007f c1 \u0085 ls \u2028"}) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("text", text);
            o.putArray("list").add(text).add(1L << 40).add(-1).addNull();
            nodes.add(o);
        }
        assertArrayEquals(printed(nodes), written(nodes));
    }
}
