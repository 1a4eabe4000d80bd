package io.pktpath.core.routing;

import io.pktpath.core.util.LongTable;
import io.pktpath.parser.iproute.Route;
import io.pktpath.parser.net.IpAddress;
import java.util.Map;

/**
 * The IPv4 routes of one prefix length keyed by their network bits in an open-addressing table, so a lookup masks an
 * int instead of allocating a masked {@link IpAddress} and hashing it.
 */
final class V4Bucket {
    private final int mask;
    private final LongTable<Route> routes;

    V4Bucket(int prefixLength, Map<IpAddress, Route> byNetwork) {
        this.mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        this.routes = new LongTable<>(byNetwork.size());
        for (Map.Entry<IpAddress, Route> e : byNetwork.entrySet()) {
            int network = e.getKey().isV4() ? e.getKey().v4Bits() : 0;
            if (!e.getKey().isV4() || (network & mask) != network) {
                continue; // no masked IPv4 destination can equal it, as in the map lookup
            }
            routes.put(network, e.getValue());
        }
    }

    /** The route whose network holds {@code address} at this length, or null. */
    Route get(int address) {
        return routes.get(address & mask);
    }
}
