package io.pktpath.core.verify;

import java.util.Objects;

/** A packet the kernel traced for which no capture frame was found, with its first PACKET line's header and why. */
public record UntiedPacket(String traceId, int kernelLine, String header, String reason) {
    public UntiedPacket {
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(reason, "reason");
    }
}
