package io.pktpath.core.engine;

/**
 * The conntrack status bits that {@code -m conntrack --ctstatus} tests (iptables-extensions(8)), named after the
 * kernel's {@code IPS_EXPECTED}, {@code IPS_SEEN_REPLY}, {@code IPS_ASSURED} and {@code IPS_CONFIRMED} flags.
 */
public enum CtStatus {
    EXPECTED, SEEN_REPLY, ASSURED, CONFIRMED
}
