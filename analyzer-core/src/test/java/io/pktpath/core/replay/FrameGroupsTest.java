package io.pktpath.core.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pktpath.core.capture.CaptureReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames taken from the source in groups come out exactly as the source gives them, and a failure of the source comes
 * out after the frames it gave before failing, as the source alone would raise it.
 */
class FrameGroupsTest {
    @TempDir
    Path dir;

    /** The frame numbers from {@code first} to {@code last} that carry a packet (every seventh from 4 is ARP). */
    private static List<Long> receivedBetween(long first, long last) {
        List<Long> frames = new ArrayList<>();
        for (long f = first; f <= last; f++) {
            if (f % 7 != 4) {
                frames.add(f);
            }
        }
        return frames;
    }

    private Path capture(int frames) throws IOException {
        return UdpTestCaptures.write(dir, frames, true);
    }

    @Test
    void framesComeOutAsTheSourceGivesThemThenTheEnd() throws IOException {
        PacketConverter converter = new PacketConverter("", io.pktpath.core.capture.Direction.UNKNOWN);
        List<CapturedPacket> direct = new ArrayList<>();
        try (FrameSource source = new FrameSource(CaptureReader.open(capture(1_300)), converter)) {
            for (CapturedPacket cp = source.next(); cp != null; cp = source.next()) {
                direct.add(cp);
            }
        }
        try (FrameSource source = new FrameSource(CaptureReader.open(capture(1_300)), converter)) {
            FrameGroups groups = new FrameGroups(source::next, null);
            for (CapturedPacket expected : direct) {
                assertEquals(expected, groups.next());
            }
            assertNull(groups.next());
            assertNull(groups.next());
            assertEquals(1_300, source.summary().framesDelivered());
        }
        assertEquals(1_300, direct.size());
        assertEquals(true, direct.get(3).packet().isEmpty(), "an ARP frame (no packet) passes through too");
    }

    @Test
    void eachGroupsReceivedPacketsAreWarmedTogetherBeforeAnyIsHandedOut() throws IOException {
        List<List<Long>> warmed = new ArrayList<>();
        NodePath path = (NodePath) java.lang.reflect.Proxy.newProxyInstance(NodePath.class.getClassLoader(),
                new Class<?>[] {NodePath.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("warm")) {
                        throw new AssertionError("only warm is asked, not " + method.getName());
                    }
                    io.pktpath.core.engine.Packet[] received = (io.pktpath.core.engine.Packet[]) args[0];
                    List<Long> frames = new ArrayList<>();
                    for (int i = 0; i < (int) args[1]; i++) {
                        frames.add(received[i].frame());
                    }
                    warmed.add(frames);
                    return 7L;
                });
        PacketConverter in = new PacketConverter("eth0", io.pktpath.core.capture.Direction.IN);
        int group = FrameGroups.GROUP;
        try (FrameSource source = new FrameSource(CaptureReader.open(capture(group + 4)), in)) {
            FrameGroups groups = new FrameGroups(source::next, path);
            assertEquals(1, groups.next().frame());
            // frames 4, 11, 18, ... are ARP (no packet): the first group's other received packets, in order
            assertEquals(List.of(receivedBetween(1, group)), warmed);
            assertEquals(List.of(1L, 2L, 3L, 5L, 6L, 7L, 8L, 9L, 10L, 12L), warmed.get(0).subList(0, 10));
            for (long frame = 2; frame <= group; frame++) {
                assertEquals(frame, groups.next().frame());
            }
            assertEquals(1, warmed.size(), "the next group is taken only when the first is handed out");
            assertEquals(group + 1, groups.next().frame());
            assertEquals(receivedBetween(group + 1, group + 4), warmed.get(1));
        }
        PacketConverter out = new PacketConverter("eth0", io.pktpath.core.capture.Direction.OUT);
        warmed.clear();
        try (FrameSource source = new FrameSource(CaptureReader.open(capture(group + 4)), out)) {
            FrameGroups groups = new FrameGroups(source::next, path);
            while (groups.next() != null) {
                assertEquals(List.of(), warmed, "sent frames are not warmed");
            }
        }
    }

    @Test
    void anErrorOfTheSourceComesOutAfterTheFramesBeforeIt() throws IOException {
        PacketConverter converter = new PacketConverter("", io.pktpath.core.capture.Direction.UNKNOWN);
        FrameSource.Conversion failing = (frame, view) -> {
            if (frame.frameNumber() == 700) {
                throw new OutOfMemoryError("reader out of memory (test)");
            }
            return converter.convert(frame, view);
        };
        try (FrameSource source = new FrameSource(CaptureReader.open(capture(1_300)), failing)) {
            FrameGroups groups = new FrameGroups(source::next, null);
            List<Long> delivered = new ArrayList<>();
            OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> {
                for (CapturedPacket cp = groups.next(); cp != null; cp = groups.next()) {
                    delivered.add(cp.frame());
                }
            });
            assertEquals("reader out of memory (test)", e.getMessage());
            assertEquals(512, delivered.size());
            for (int i = 0; i < delivered.size(); i++) {
                assertEquals(i + 1L, delivered.get(i));
            }
        }
    }

    @Test
    void aRuntimeFailureInsideAGroupComesOutAfterTheFramesBeforeItAndOnce() throws IOException {
        PacketConverter converter = new PacketConverter("", io.pktpath.core.capture.Direction.UNKNOWN);
        List<CapturedPacket> frames = new ArrayList<>();
        try (FrameSource source = new FrameSource(CaptureReader.open(capture(20)), converter)) {
            for (CapturedPacket cp = source.next(); cp != null; cp = source.next()) {
                frames.add(cp);
            }
        }
        IllegalStateException failure = new IllegalStateException("source broke (test)");
        int[] asked = {0};
        Supplier<CapturedPacket> source = () -> {
            if (asked[0] == 5) {
                throw failure;
            }
            return frames.get(asked[0]++);
        };
        FrameGroups groups = new FrameGroups(source, null);
        for (int i = 0; i < 5; i++) {
            assertSame(frames.get(i), groups.next());
        }
        assertSame(failure, assertThrows(IllegalStateException.class, groups::next));
        assertNull(groups.next(), "a failed source is not asked again");
        assertEquals(5, asked[0]);
    }
}
