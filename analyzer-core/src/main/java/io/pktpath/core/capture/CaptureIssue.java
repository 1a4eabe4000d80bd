package io.pktpath.core.capture;

import java.util.Objects;

/**
 * One problem found while reading a capture, located by frame number (0 when no frame is concerned) and byte offset.
 *
 * @param severity    how bad it is
 * @param code        stable identifier, e.g. {@code truncated-record}
 * @param message     what was found, naming the bad value
 * @param expected    what a valid file has there
 * @param frameNumber 1-based number of the frame concerned (the next frame when a record was lost), 0 for the file header
 * @param byteOffset  offset in the file where the problem starts
 * @param file        file name as shown to the user
 */
public record CaptureIssue(Severity severity, String code, String message, String expected,
                           long frameNumber, long byteOffset, String file) {
    public CaptureIssue {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(file, "file");
    }

    /** The issue in the project's diagnostic style: {@code trace.pcap: frame 42 at byte 8812: ... (expected: ...)}. */
    public String render() {
        String where = frameNumber > 0 ? "frame " + frameNumber + " at byte " + byteOffset : "at byte " + byteOffset;
        return file + ": " + where + ": " + message + " (expected: " + expected + ")";
    }

    @Override
    public String toString() {
        return severity + "[" + code + "] " + render();
    }
}
