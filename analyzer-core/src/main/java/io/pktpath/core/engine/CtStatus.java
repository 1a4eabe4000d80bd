package io.pktpath.core.engine;

/** Conntrack status bits that {@code -m conntrack --ctstatus} tests. */
public enum CtStatus {
    EXPECTED, SEEN_REPLY, ASSURED, CONFIRMED
}
