package io.pktpath.core.replay;

/**
 * The {@link LinkLayer}s met lately, in a small direct-mapped table: a node's frames carry a few MAC pairs and SLL
 * packet types, so most frames share an instance instead of carrying the three fields. One instance serves one thread.
 */
final class LinkLayers {
    private static final int BITS = 10;

    private final LinkLayer[] slots = new LinkLayer[1 << BITS];

    /** The shared instance with these fields (a new one, kept, when its slot holds another). */
    LinkLayer of(long srcMac, long dstMac, int sllPacketType) {
        long h = (srcMac * 0x9E3779B97F4A7C15L ^ dstMac) * 0xC2B2AE3D27D4EB4FL + sllPacketType;
        int slot = (int) ((h ^ h >>> 29) >>> (64 - BITS));
        LinkLayer link = slots[slot];
        if (link == null || link.srcMac() != srcMac || link.dstMac() != dstMac || link.sllPacketType() != sllPacketType) {
            link = new LinkLayer(srcMac, dstMac, sllPacketType);
            slots[slot] = link;
        }
        return link;
    }
}
