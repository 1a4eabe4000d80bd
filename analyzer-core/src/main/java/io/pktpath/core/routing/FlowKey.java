package io.pktpath.core.routing;

import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;

/**
 * The fields a policy-rule and table lookup sees (the kernel's flowi): addresses, input device ({@code lo} for local
 * traffic and reverse-path lookups), fwmark, protocol and ports, and whether the socket uid is known (0 for received
 * packets, unknown for local senders).
 */
record FlowKey(IpFamily family, IpAddress src, IpAddress dst, String iif, long mark, int proto, int sport, int dport,
               boolean portsKnown, boolean uidKnown) {
    static final String LOOPBACK_DEV = "lo";

    FlowKey withSrc(IpAddress newSrc) {
        return new FlowKey(family, newSrc, dst, iif, mark, proto, sport, dport, portsKnown, uidKnown);
    }
}
