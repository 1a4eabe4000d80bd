package io.pktpath.core.capture;

/** Direction of a frame relative to the capturing interface, as told by pcapng EPB flags or a Linux cooked header. */
public enum Direction {
    /** Received by the capturing host (SLL host/broadcast/multicast/otherhost, EPB inbound). */
    IN,
    /** Sent by the capturing host (SLL outgoing, EPB outbound). */
    OUT,
    /** The capture does not say. */
    UNKNOWN
}
