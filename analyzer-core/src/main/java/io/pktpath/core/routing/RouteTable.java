package io.pktpath.core.routing;

import io.pktpath.parser.iproute.Route;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One routing table of one family: longest prefix first, then the lowest metric, then the order {@code ip route}
 * printed (netfilter-semantics §6.2). Holds only the routes the kernel can use; the caller filters dead ones out.
 */
final class RouteTable {
    private final String name;
    private final IpFamily family;
    private final int[] lengths;
    private final List<Map<IpAddress, Route>> buckets;
    private final V4Bucket[] v4Buckets;
    private final List<Route> routes;

    RouteTable(String name, IpFamily family, List<Route> usable) {
        this.name = name;
        this.family = family;
        this.routes = List.copyOf(usable);
        TreeMap<Integer, Map<IpAddress, Route>> byLength = new TreeMap<>(Comparator.reverseOrder());
        List<Route> ordered = new ArrayList<>(usable);
        ordered.sort(Comparator.comparingLong(Route::metric));
        for (Route r : ordered) {
            int len = r.destination().prefixLength();
            byLength.computeIfAbsent(len, k -> new HashMap<>()).putIfAbsent(r.destination().network(), r);
        }
        this.lengths = byLength.keySet().stream().mapToInt(Integer::intValue).toArray();
        this.buckets = List.copyOf(byLength.values());
        this.v4Buckets = new V4Bucket[family == IpFamily.V4 ? lengths.length : 0];
        for (int i = 0; i < v4Buckets.length; i++) {
            v4Buckets[i] = new V4Bucket(lengths[i], buckets.get(i));
        }
    }

    String name() {
        return name;
    }

    IpFamily family() {
        return family;
    }

    /** Every usable route in input order. */
    List<Route> routes() {
        return routes;
    }

    /** The route the kernel picks for {@code dst}: longest prefix, lowest metric, first printed. */
    Optional<Route> lookup(IpAddress dst) {
        if (dst.isV4() && v4Buckets.length == lengths.length) {
            int bits = dst.v4Bits();
            for (V4Bucket bucket : v4Buckets) {
                Route r = bucket.get(bits);
                if (r != null) {
                    return Optional.of(r);
                }
            }
            return Optional.empty();
        }
        for (int i = 0; i < lengths.length; i++) {
            Route r = buckets.get(i).get(dst.masked(lengths[i]));
            if (r != null) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
