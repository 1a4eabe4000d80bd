package io.pktpath.core.capture;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Immutable copy of a frame, for consumers that keep frames (GUI, tests).
 *
 * @param frameNumber    1-based position in the file
 * @param timestampNanos capture time, epoch nanoseconds
 * @param bytes          captured bytes (defensively copied)
 * @param originalLength length on the wire
 * @param linkType       LINKTYPE_* value
 * @param interfaceId    pcapng interface index or SLL2 ifindex, -1 if unknown
 * @param interfaceName  interface name or ""
 * @param direction      direction, UNKNOWN if not told
 * @param byteOffset     offset of the record in the file
 */
public record CapturedFrame(long frameNumber, long timestampNanos, byte[] bytes, long originalLength, int linkType,
                            int interfaceId, String interfaceName, Direction direction, long byteOffset) {
    public CapturedFrame {
        bytes = bytes.clone();
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(direction, "direction");
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Number of captured bytes. */
    public int capturedLength() {
        return bytes.length;
    }

    /** A view over this frame's bytes, for {@code PacketDecoder}. */
    public FrameView view() {
        return new FrameView().set(frameNumber, timestampNanos, bytes.clone(), 0, bytes.length, originalLength,
                linkType, byteOffset).setInterface(interfaceId, interfaceName).setDirection(direction);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CapturedFrame f && frameNumber == f.frameNumber && timestampNanos == f.timestampNanos
                && Arrays.equals(bytes, f.bytes) && originalLength == f.originalLength && linkType == f.linkType
                && interfaceId == f.interfaceId && interfaceName.equals(f.interfaceName)
                && direction == f.direction && byteOffset == f.byteOffset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(frameNumber, timestampNanos, Arrays.hashCode(bytes), originalLength, linkType,
                interfaceId, interfaceName, direction, byteOffset);
    }

    @Override
    public String toString() {
        return "CapturedFrame[#" + frameNumber + " t=" + timestampNanos + " len=" + bytes.length + "/" + originalLength
                + " lt=" + linkType + " if=" + interfaceId + "/" + interfaceName + " " + direction + " @" + byteOffset
                + " " + HexFormat.of().formatHex(bytes) + "]";
    }
}
