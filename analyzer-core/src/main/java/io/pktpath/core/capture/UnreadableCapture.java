package io.pktpath.core.capture;

import java.nio.file.Path;

/** A file that is not a capture (or cannot be opened): reading it delivers no frame and one ERROR issue. */
final class UnreadableCapture extends CaptureReader {
    private final String code;
    private final String message;
    private final String expected;

    UnreadableCapture(Path file, String code, String message, String expected) {
        super(file, i -> "");
        this.code = code;
        this.message = message;
        this.expected = expected;
    }

    @Override
    public CaptureFormat format() {
        return CaptureFormat.UNKNOWN;
    }

    @Override
    void readFrames(ByteWindow window, ReadContext ctx) {
        throw new IllegalStateException("not reached");
    }

    /** Delivers nothing: the one issue says why the file is not a capture. */
    @Override
    public CaptureSummary read(FrameHandler handler) {
        return read(handler, 0, 0);
    }

    @Override
    CaptureSummary read(FrameHandler handler, long mapWindow, int bufferSize) {
        ReadContext ctx = new ReadContext(displayName(), f -> { }, i -> "");
        ctx.fileIssue(Severity.ERROR, code, message, expected, 0);
        return ctx.summary(CaptureFormat.UNKNOWN);
    }
}
