package io.pktpath.core.routing;

/** Whether the next hop's link-layer address is known: yes, unknown (resolution pending), or no (failed or missing entry). */
public enum Deliverability {
    DELIVERABLE, UNKNOWN, NOT_DELIVERABLE
}
