package io.pktpath.core.capture;

/** Direction and interface carried in Linux cooked headers (SLL packet type; SLL2 ifindex and packet type). */
public final class CookedHeader {
    /** SLL/SLL2 packet type of a frame the host sent. */
    public static final int PACKET_OUTGOING = 4;
    /** The ARPHRD type of the loopback device, in an SLL header's hatype field. */
    static final int ARPHRD_LOOPBACK = 772;
    /** The loopback device's interface index on Linux. */
    static final int LOOPBACK_IFINDEX = 1;

    private CookedHeader() {
    }

    /** Direction of a Linux packet type: 0-3 (host, broadcast, multicast, otherhost) are IN, 4 is OUT. */
    public static Direction direction(int packetType) {
        if (packetType >= 0 && packetType <= 3) {
            return Direction.IN;
        }
        return packetType == PACKET_OUTGOING ? Direction.OUT : Direction.UNKNOWN;
    }

    /**
     * Fills direction (if still unknown) and, for frames without a pcapng interface, the ifindex and name: SLL2's, and
     * the loopback device for an SLL frame whose ARPHRD type is loopback's.
     */
    static void apply(FrameView frame, ReadContext ctx) {
        byte[] a = frame.array();
        int o = frame.offset();
        if (frame.linkType() == LinkType.LINUX_SLL && frame.capturedLength() >= 16) {
            if (frame.direction() == Direction.UNKNOWN) {
                frame.setDirection(direction(Bytes.u16(a, o)));
            }
            // SLL v1 names no interface, but its ARPHRD type tells the loopback device (ifindex 1) from all others
            if (frame.interfaceId() < 0 && Bytes.u16(a, o + 2) == ARPHRD_LOOPBACK) {
                frame.setInterface(LOOPBACK_IFINDEX, "lo");
            }
        } else if (frame.linkType() == LinkType.LINUX_SLL2 && frame.capturedLength() >= 20) {
            if (frame.direction() == Direction.UNKNOWN) {
                frame.setDirection(direction(Bytes.u8(a, o + 10)));
            }
            if (frame.interfaceId() < 0) {
                int ifindex = Bytes.i32(a, o + 4);
                frame.setInterface(ifindex, ctx.interfaceName(ifindex));
            }
        }
    }
}
