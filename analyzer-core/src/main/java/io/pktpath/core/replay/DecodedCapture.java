package io.pktpath.core.replay;

import io.pktpath.core.capture.CaptureReader;
import io.pktpath.core.capture.CaptureSummary;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole capture read and decoded into memory, to be replayed more than once with {@link ReplayLoop#replay}: the
 * benchmarks time the replay alone this way, without the reader thread sharing the machine's cores and caches.
 */
public final class DecodedCapture {
    private final List<CapturedPacket> frames;
    private final CaptureSummary summary;

    private DecodedCapture(List<CapturedPacket> frames, CaptureSummary summary) {
        this.frames = frames;
        this.summary = summary;
    }

    /** Reads and decodes every frame of {@code reader} as {@link ReplayLoop#run} would (same converter). */
    public static DecodedCapture read(CaptureReader reader, PacketConverter converter) {
        List<CapturedPacket> frames = new ArrayList<>();
        try (FrameSource source = new FrameSource(reader, converter)) {
            CapturedPacket cp;
            while ((cp = source.next()) != null) {
                frames.add(cp);
            }
            return new DecodedCapture(java.util.Collections.unmodifiableList(frames), source.summary());
        }
    }

    /** The frames in capture order. */
    List<CapturedPacket> frames() {
        return frames;
    }

    /** How many frames were decoded. */
    public int size() {
        return frames.size();
    }

    /** What the reader delivered and the problems it met. */
    public CaptureSummary summary() {
        return summary;
    }
}
