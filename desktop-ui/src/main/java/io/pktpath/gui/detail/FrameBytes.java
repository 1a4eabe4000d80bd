package io.pktpath.gui.detail;

import io.pktpath.core.capture.CaptureReader;
import io.pktpath.core.capture.CapturedFrame;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads one frame's bytes again from the capture file by its number, so the GUI never keeps the bytes of every frame;
 * a read goes through the file up to that frame (call it off the UI thread).
 */
public final class FrameBytes {
    private FrameBytes() {
    }

    /** The frame numbered {@code frame} (1-based), or empty when the capture has no such frame. */
    public static Optional<CapturedFrame> read(Path capture, long frame) {
        CapturedFrame[] found = new CapturedFrame[1];
        CaptureReader.open(capture).read(f -> {
            if (f.frameNumber() == frame) {
                found[0] = f.copy();
            }
        });
        return Optional.ofNullable(found[0]);
    }
}
