package io.pktpath.core.engine;

/** The link-layer class of a received frame, as {@code -m pkttype} sees it (and SLL's packet type tells). */
public enum LinkClass {
    UNICAST, BROADCAST, MULTICAST, OTHERHOST
}
