package io.pktpath.core.capture;

/** Receives each frame of a capture; the {@link FrameView} passed is reused and valid only during the call. */
@FunctionalInterface
public interface FrameHandler {
    /** Called once per delivered frame, in file order. */
    void onFrame(FrameView frame);
}
