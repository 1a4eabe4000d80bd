package io.pktpath.core.capture;

/** How bad a capture problem is: a WARNING still delivers the frame, an ERROR lost data. */
public enum Severity {
    /** The frame was delivered but something about it is odd. */
    WARNING,
    /** Bytes of the file could not be delivered as frames. */
    ERROR
}
