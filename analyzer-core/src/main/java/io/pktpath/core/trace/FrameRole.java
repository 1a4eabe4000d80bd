package io.pktpath.core.trace;

/**
 * How a frame was replayed: entering the node (from PREROUTING), sent by the node itself (from OUTPUT), the egress copy of
 * a packet already replayed from another frame (its path is that frame's), not replayed at all, or a fragment nf_defrag
 * held (not replayed alone: its datagram is replayed once, at the frame that completed it).
 */
public enum FrameRole {
    INGRESS, LOCAL_OUT, EGRESS_COPY, NOT_REPLAYED, FRAGMENT
}
