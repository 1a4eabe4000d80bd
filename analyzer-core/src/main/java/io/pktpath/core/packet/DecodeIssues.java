package io.pktpath.core.packet;

import io.pktpath.core.capture.CaptureIssue;
import io.pktpath.core.capture.FrameView;
import io.pktpath.core.capture.Severity;
import java.util.Optional;

/** Turns a decode problem of a frame (or of its tunnel's inner packet) into a located {@link CaptureIssue}. */
public final class DecodeIssues {
    private DecodeIssues() {
    }

    /**
     * The issue for a TRUNCATED, MALFORMED or UNSUPPORTED_LINKTYPE decode of {@code frame}, named after {@code file};
     * empty when the headers decoded (NOT_IP frames such as ARP are not problems).
     */
    public static Optional<CaptureIssue> of(String file, FrameView frame, PacketView view) {
        PacketView bad = view;
        String prefix = "";
        if (!isProblem(view.status()) && view.tunnel() != TunnelType.NONE && isProblem(view.inner().status())) {
            bad = view.inner();
            prefix = view.tunnel() + " inner packet: ";
        }
        if (!isProblem(bad.status())) {
            return Optional.empty();
        }
        String code;
        String expected;
        switch (bad.status()) {
            case TRUNCATED -> {
                code = "truncated-header";
                expected = "complete headers";
            }
            case MALFORMED -> {
                code = "malformed-header";
                expected = "valid header fields";
            }
            default -> {
                code = "unsupported-linktype";
                expected = "a link type pktpath decodes";
            }
        }
        Severity severity = bad.status() == DecodeStatus.UNSUPPORTED_LINKTYPE ? Severity.WARNING : Severity.ERROR;
        return Optional.of(new CaptureIssue(severity, code, prefix + bad.statusMessage(), expected,
                frame.frameNumber(), frame.byteOffset(), file));
    }

    private static boolean isProblem(DecodeStatus s) {
        return s == DecodeStatus.TRUNCATED || s == DecodeStatus.MALFORMED || s == DecodeStatus.UNSUPPORTED_LINKTYPE;
    }
}
