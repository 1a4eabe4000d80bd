package io.pktpath.core.replay;

/**
 * The link-layer facts of a captured frame that the replay's capture-point logic reads: source and destination MAC
 * (48 bits, -1 when the capture has none) and the Linux SLL packet type (0 host ... 4 outgoing, -1 when none). A
 * node's frames repeat a few of these, so the reader shares one instance per combination seen lately
 * ({@link LinkLayers}).
 */
public record LinkLayer(long srcMac, long dstMac, int sllPacketType) {
}
