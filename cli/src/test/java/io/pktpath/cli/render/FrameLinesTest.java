package io.pktpath.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.bundle.BundleOpener;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.Bundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The reused-buffer renderer with its remembered labels writes exactly the lines {@link FrameLine#render} writes, for
 * every frame of every sample bundle, with and without colors, and the place written in place equals {@link Labels#where}.
 */
class FrameLinesTest {

    private static Path samples() {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(p.resolve("samples/bundles"))) {
            p = p.getParent();
        }
        return p.resolve("samples/bundles");
    }

    private static List<PacketTrace> traces(Path bundleDir) throws Exception {
        Bundle bundle = new BundleOpener().open(bundleDir).bundle();
        List<PacketTrace> traces = new ArrayList<>();
        Analyzer.analyze(bundle, Optional.empty(), AnalysisOptions.DEFAULT, traces::add, n -> { }, () -> false);
        return traces;
    }

    @Test
    void everySampleFrameRendersAsFrameLineDoes() throws Exception {
        List<Path> bundles;
        try (Stream<Path> s = Files.list(samples())) {
            bundles = s.filter(Files::isDirectory).sorted().toList();
        }
        int frames = 0;
        int labelled = 0;
        for (Path dir : bundles) {
            List<PacketTrace> traces = traces(dir);
            for (Style style : List.of(Style.PLAIN, new Style(true))) {
                FrameLines lines = new FrameLines(style);
                for (int round = 0; round < 2; round++) {
                    for (PacketTrace t : traces) {
                        String expected = FrameLine.render(t, style);
                        assertEquals(expected, lines.render(t).toString(), dir.getFileName() + " frame " + t.packet().frame());
                        frames++;
                        labelled += expected.contains(" by ") ? 1 : 0;
                    }
                }
            }
        }
        assertTrue(frames > 200, "frames rendered: " + frames);
        assertTrue(labelled > 100, "frames with a decisive label: " + labelled);
    }

    @Test
    void thePlaceWrittenInPlaceEqualsWhere() {
        String[][] places = {{"", ""}, {"", "in"}, {"lo", "in"}, {"eth0", "out"}, {"cali8db71f08c12", "in"},
            {"0123456789", ""}, {"012345678", ""}, {"01234567", "in"}, {"éth0", "out"}};
        long[] frames = {-3, 0, 1, 9, 99_999, 100_000, 12_345_678_901L};
        for (long frame : frames) {
            for (String[] place : places) {
                io.pktpath.core.trace.PacketSummary p = summary(place[0], place[1]);
                String expected = String.format("%5d %s %-10s %s", frame, Labels.time(1_234_567_890L), Labels.where(p),
                        "UDP x");
                assertEquals(expected, FrameLine.head(new StringBuilder(), frame, 1_234_567_890L, place[0], place[1], "UDP x")
                        .toString(), frame + " " + place[0] + " " + place[1]);
                assertEquals(String.format("%5d ", frame), expected.substring(0, String.format("%5d ", frame).length()));
            }
        }
    }

    private static io.pktpath.core.trace.PacketSummary summary(String iface, String dir) {
        return new io.pktpath.core.trace.PacketSummary(1, 0, iface, dir, 0, -1, Optional.empty(), Optional.empty(), -1, -1,
                -1, 60, -1, -1, -1, "x");
    }
}
