package io.pktpath.core.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.iproute.Route;
import io.pktpath.parser.iproute.RouteType;
import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The table lookup agrees with a brute-force scan: longest prefix, then lowest metric, then the first printed. */
class LongestPrefixPropertiesTest {
    @Property(tries = 300)
    void lookupMatchesBruteForce(@ForAll("tables") List<Route> routes, @ForAll("addresses") List<IpAddress> probes) {
        RouteTable table = new RouteTable("main", IpFamily.V4, routes);
        for (IpAddress dst : probes) {
            assertEquals(bruteForce(routes, dst), table.lookup(dst), "destination " + dst);
        }
    }

    @Property(tries = 100)
    void ipv6LookupMatchesBruteForce(@ForAll("tables6") List<Route> routes, @ForAll("addresses6") List<IpAddress> probes) {
        RouteTable table = new RouteTable("main", IpFamily.V6, routes);
        for (IpAddress dst : probes) {
            assertEquals(bruteForce(routes, dst), table.lookup(dst), "destination " + dst);
        }
    }

    /** Thousands of consecutive host and /24 routes (a node with many pods): every lookup still agrees. */
    @net.jqwik.api.Example
    void manyConsecutiveHostRoutesLookUpLikeTheBruteForceScan() {
        List<Route> routes = new java.util.ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            routes.add(route(new Cidr(IpAddress.v4(0x0af40000 + i), 32), 0, i));
        }
        for (int i = 0; i < 300; i++) {
            routes.add(route(new Cidr(IpAddress.v4(0x0af40000 + (i << 8)), 24), 0, 4000 + i));
        }
        routes.add(route(new Cidr(IpAddress.v4(0), 0), 100, 5000));
        RouteTable table = new RouteTable("main", IpFamily.V4, routes);
        for (int i = 0; i < 8000; i += 7) {
            IpAddress dst = IpAddress.v4(0x0af40000 + i * 11);
            assertEquals(bruteForce(routes, dst), table.lookup(dst), "destination " + dst);
        }
        assertEquals(Optional.of(routes.get(4300)), table.lookup(IpAddress.v4(0x08080808)));
    }

    static Optional<Route> bruteForce(List<Route> routes, IpAddress dst) {
        Route best = null;
        for (Route r : routes) {
            if (!r.destination().contains(dst)) {
                continue;
            }
            if (best == null || r.destination().prefixLength() > best.destination().prefixLength()
                    || r.destination().prefixLength() == best.destination().prefixLength() && r.metric() < best.metric()) {
                best = r;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Addresses from a small pool (10.0-3.0-3.x) so that prefixes overlap often. */
    @Provide
    Arbitrary<List<IpAddress>> addresses() {
        return v4().list().ofMinSize(1).ofMaxSize(20);
    }

    @Provide
    Arbitrary<List<Route>> tables() {
        Arbitrary<Route> route = Combinators.combine(v4(), Arbitraries.integers().between(0, 32),
                Arbitraries.longs().between(0, 3), Arbitraries.integers().between(0, 999))
                .as((a, len, metric, id) -> route(new Cidr(a, len), metric, id));
        return route.list().ofMaxSize(40);
    }

    @Provide
    Arbitrary<List<IpAddress>> addresses6() {
        return v6().list().ofMinSize(1).ofMaxSize(20);
    }

    @Provide
    Arbitrary<List<Route>> tables6() {
        Arbitrary<Route> route = Combinators.combine(v6(), Arbitraries.integers().between(0, 128),
                Arbitraries.longs().between(0, 3), Arbitraries.integers().between(0, 999))
                .as((a, len, metric, id) -> route(new Cidr(a, len), metric, id));
        return route.list().ofMaxSize(40);
    }

    private static Arbitrary<IpAddress> v4() {
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 255))
                .as((b, c, d) -> IpAddress.v4(10 << 24 | b << 16 | c << 8 | d));
    }

    private static Arbitrary<IpAddress> v6() {
        return Combinators.combine(Arbitraries.longs().between(0, 3), Arbitraries.longs().between(0, 7))
                .as((h, l) -> IpAddress.v6(0x20010db800000000L | h << 20, l << 61 | l));
    }

    private static Route route(Cidr dst, long metric, int id) {
        String dev = "eth" + (id % 4);
        String text = dst.toRouteString() + " dev " + dev + " metric " + metric + " #" + id;
        return new Route(RouteType.UNICAST, dst, "main", Optional.of(dev), Optional.empty(), Optional.empty(), metric,
                "global", "static", Set.of(), Optional.empty(), Optional.empty(), List.of(),
                new SourceSpan("generated", id + 1, 0), text);
    }
}
