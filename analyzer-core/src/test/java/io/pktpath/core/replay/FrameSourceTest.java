package io.pktpath.core.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pktpath.core.capture.CaptureReader;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader thread hands frames over in order, and an Error there (out of memory) reaches the replay thread after the
 * frames handed over before it, instead of looking like the end of the capture.
 */
class FrameSourceTest {
    @TempDir
    Path dir;

    private Path capture(int frames) throws IOException {
        return UdpTestCaptures.write(dir, frames, false);
    }

    @Test
    void framesArriveInOrderThenTheEnd() throws IOException {
        PacketConverter converter = new PacketConverter("", io.pktpath.core.capture.Direction.UNKNOWN);
        try (FrameSource source = new FrameSource(CaptureReader.open(capture(1_300)), converter)) {
            for (long frame = 1; frame <= 1_300; frame++) {
                assertEquals(frame, source.next().frame());
            }
            assertNull(source.next());
            assertEquals(1_300, source.summary().framesDelivered());
        }
    }

    @Test
    void anErrorOnTheReaderThreadReachesTheReplayAfterTheFramesBeforeIt() throws IOException {
        PacketConverter converter = new PacketConverter("", io.pktpath.core.capture.Direction.UNKNOWN);
        FrameSource.Conversion failing = (frame, view) -> {
            if (frame.frameNumber() == 700) {
                throw new OutOfMemoryError("reader out of memory (test)");
            }
            return converter.convert(frame, view);
        };
        try (FrameSource source = new FrameSource(CaptureReader.open(capture(1_300)), failing)) {
            int[] delivered = {0};
            OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> {
                while (source.next() != null) {
                    delivered[0]++;
                }
            });
            assertEquals("reader out of memory (test)", e.getMessage());
            // the frames handed over before the failure (whole batches of 512) came first, in order
            assertEquals(512, delivered[0]);
        }
    }
}
