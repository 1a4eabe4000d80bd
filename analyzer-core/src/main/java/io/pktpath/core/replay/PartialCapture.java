package io.pktpath.core.replay;

import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketTrace;

/**
 * The frames a replay leaves out because the capture lacks an interface their packets crossed: a forwarded packet seen
 * only leaving (its incoming copy is not in the capture), and a packet answering one (its reply, or the next packet of
 * its connection), whose connection the node's conntrack had in a state the replay cannot know (replayed, it would
 * open a connection the node never had, or be INVALID).
 */
public final class PartialCapture {
    static final String LEFT_UNSEEN = "a forwarded packet whose incoming copy is not in the capture";
    static final String REPLY = "answers frame ";

    private PartialCapture() {
    }

    /** A forwarded packet the capture shows only leaving the node. */
    public static boolean leftUnseen(PacketTrace t) {
        return t.role() == FrameRole.NOT_REPLAYED && t.reason().endsWith(LEFT_UNSEEN);
    }

    /** A packet answering such a packet, not replayed. */
    public static boolean answersUnseen(PacketTrace t) {
        return t.role() == FrameRole.NOT_REPLAYED && t.reason().startsWith(REPLY);
    }
}
