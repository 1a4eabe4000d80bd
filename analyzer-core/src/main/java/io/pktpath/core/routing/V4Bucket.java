package io.pktpath.core.routing;

import io.pktpath.parser.iproute.Route;
import io.pktpath.parser.net.IpAddress;
import java.util.Map;

/**
 * The IPv4 routes of one prefix length keyed by their network bits in an open-addressing table, so a lookup masks an
 * int instead of allocating a masked {@link IpAddress} and hashing it.
 */
final class V4Bucket {
    private final int mask;
    private final int[] networks;
    private final Route[] routes;

    V4Bucket(int prefixLength, Map<IpAddress, Route> byNetwork) {
        this.mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        int capacity = Integer.highestOneBit(Math.max(1, byNetwork.size()) * 2) * 2;
        this.networks = new int[capacity];
        this.routes = new Route[capacity];
        for (Map.Entry<IpAddress, Route> e : byNetwork.entrySet()) {
            if (!e.getKey().isV4()) {
                continue; // no IPv4 destination can equal it, as in the map lookup
            }
            int network = e.getKey().v4Bits() & mask;
            int slot = slot(network);
            while (routes[slot] != null) {
                slot = (slot + 1) & (capacity - 1);
            }
            networks[slot] = network;
            routes[slot] = e.getValue();
        }
    }

    private int slot(int network) {
        int h = network * 0x9E3779B1;
        return (h ^ (h >>> 16)) & (routes.length - 1);
    }

    /** The route whose network holds {@code address} at this length, or null. */
    Route get(int address) {
        int network = address & mask;
        for (int slot = slot(network); routes[slot] != null; slot = (slot + 1) & (routes.length - 1)) {
            if (networks[slot] == network) {
                return routes[slot];
            }
        }
        return null;
    }
}
