package io.pktpath.core.capture;

import java.util.Arrays;

/**
 * Reused, mutable view of one captured frame: its metadata and a window on the reader's buffer.
 * Valid only during {@link FrameHandler#onFrame}; call {@link #copy()} to keep it.
 */
public final class FrameView {
    private long frameNumber;
    private long timestampNanos;
    private int capturedLength;
    private long originalLength;
    private int linkType;
    private int interfaceId = -1;
    private String interfaceName = "";
    private Direction direction = Direction.UNKNOWN;
    private long byteOffset;
    private byte[] array = new byte[0];
    private int offset;

    /** Creates an empty view; readers fill it with {@link #set}. */
    public FrameView() {
    }

    /** Points this view at a frame; used by readers and by tests that decode hand-built frames. */
    public FrameView set(long frameNumber, long timestampNanos, byte[] array, int offset, int capturedLength,
                         long originalLength, int linkType, long byteOffset) {
        this.frameNumber = frameNumber;
        this.timestampNanos = timestampNanos;
        this.array = array;
        this.offset = offset;
        this.capturedLength = capturedLength;
        this.originalLength = originalLength;
        this.linkType = linkType;
        this.byteOffset = byteOffset;
        this.interfaceId = -1;
        this.interfaceName = "";
        this.direction = Direction.UNKNOWN;
        return this;
    }

    /** Sets the interface the frame was captured on (-1 and "" when unknown). */
    public FrameView setInterface(int id, String name) {
        this.interfaceId = id;
        this.interfaceName = name == null ? "" : name;
        return this;
    }

    /** Sets the direction of the frame. */
    public FrameView setDirection(Direction direction) {
        this.direction = direction;
        return this;
    }

    /** 1-based position of the frame in the file. */
    public long frameNumber() {
        return frameNumber;
    }

    /** Capture time in nanoseconds since the epoch (0 when the record has none, as in a Simple Packet Block). */
    public long timestampNanos() {
        return timestampNanos;
    }

    /** Number of bytes captured. */
    public int capturedLength() {
        return capturedLength;
    }

    /** Length of the frame on the wire. */
    public long originalLength() {
        return originalLength;
    }

    /** LINKTYPE_* of the frame. */
    public int linkType() {
        return linkType;
    }

    /** pcapng interface index, or Linux SLL2 ifindex, or -1. */
    public int interfaceId() {
        return interfaceId;
    }

    /** pcapng {@code if_name} or the caller's name for the SLL2 ifindex; "" when unknown. */
    public String interfaceName() {
        return interfaceName;
    }

    /** Direction, when the capture tells it. */
    public Direction direction() {
        return direction;
    }

    /** Offset of the record (pcap record header or pcapng block) in the file. */
    public long byteOffset() {
        return byteOffset;
    }

    /** The backing array; frame bytes are {@code array()[offset() .. offset()+capturedLength())}. */
    public byte[] array() {
        return array;
    }

    /** Offset of the first frame byte in {@link #array()}. */
    public int offset() {
        return offset;
    }

    /** Frame byte {@code i} as an unsigned value. */
    public int byteAt(int i) {
        if (i < 0 || i >= capturedLength) {
            throw new IndexOutOfBoundsException("byte " + i + " of a " + capturedLength + "-byte frame");
        }
        return array[offset + i] & 0xff;
    }

    /** A fresh copy of the frame bytes. */
    public byte[] copyBytes() {
        return Arrays.copyOfRange(array, offset, offset + capturedLength);
    }

    /** An immutable copy of this frame, safe to keep. */
    public CapturedFrame copy() {
        return new CapturedFrame(frameNumber, timestampNanos, copyBytes(), originalLength, linkType,
                interfaceId, interfaceName, direction, byteOffset);
    }
}
