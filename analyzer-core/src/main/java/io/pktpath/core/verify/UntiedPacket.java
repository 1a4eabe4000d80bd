package io.pktpath.core.verify;

import java.util.Objects;

/** A packet the kernel traced (at file:line of its trace log) for which no capture frame was found: its header, and why. */
public record UntiedPacket(String traceId, String kernelLine, String header, String reason) {
    public UntiedPacket {
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(kernelLine, "kernelLine");
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(reason, "reason");
    }
}
