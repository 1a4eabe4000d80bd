package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.LineError;
import io.pktpath.parser.net.IpAddress;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Reads the words of one {@code ip route} line (or its {@code nexthop} continuation) into a {@link RouteBuilder}. */
final class RouteLineReader {
    static final Set<String> ROUTE_FLAGS = Set.of("onlink", "linkdown", "dead", "pervasive", "offload", "trap", "notify",
            "rt_offload", "rt_trap", "rt_offload_failed");
    /** Attributes iproute2 prints that the engine does not use; their value is read and dropped. */
    static final Set<String> IGNORED_WITH_VALUE = Set.of("expires", "nhid", "realm", "realms", "tos", "dsfield", "from",
            "hoplimit", "advmss", "window", "rtt", "rttvar", "ssthresh", "cwnd", "initcwnd", "initrwnd", "reordering",
            "features", "quickack", "congctl", "fastopen_no_cookie", "rto_min", "error", "ttl-propagate", "as");
    private static final String ROUTE_EXPECTED = "a route attribute such as dev, via, proto, scope, src, metric, table, "
            + "pref, mtu, onlink or nexthop";

    private RouteLineReader() {
    }

    static void readRoute(TokenCursor c, RouteBuilder b) throws LineError {
        Token first = c.next();
        Optional<RouteType> type = RouteType.fromKeyword(first.text());
        Token dst = first;
        if (type.isPresent()) {
            b.type = type.get();
            dst = c.value(first, "a destination prefix or 'default'");
        } else if (c.hasNext() && looksLikeDestination(c.peek().text()) && !looksLikeDestination(first.text())) {
            throw new LineError("unknown-route-type", "unknown route type '" + first.text() + "'",
                    "one of unicast, local, broadcast, multicast, blackhole, unreachable, prohibit, throw, anycast, nat",
                    first.column());
        }
        if (!dst.text().equals("default")) {
            b.destination = Optional.of(TokenCursor.prefix(dst));
        }
        while (c.hasNext()) {
            Token key = c.next();
            if (key.text().equals("nexthop")) {
                readNexthop(c, b, key);
                continue;
            }
            readAttribute(c, b, key);
        }
    }

    private static boolean looksLikeDestination(String s) {
        return s.equals("default") || IpAddress.isAddress(s.contains("/") ? s.substring(0, s.indexOf('/')) : s);
    }

    private static void readAttribute(TokenCursor c, RouteBuilder b, Token key) throws LineError {
        String k = key.text();
        if (ROUTE_FLAGS.contains(k)) {
            b.flags.add(k);
            return;
        }
        if (IGNORED_WITH_VALUE.contains(k)) {
            skipValue(c, key);
            return;
        }
        switch (k) {
            case "table" -> b.table = Tables.normalize(c.value(key, "a table name or number").text());
            case "dev", "oif" -> b.dev = Optional.of(c.value(key, "an interface name").text());
            case "via" -> b.via = Optional.of(gateway(c, key));
            case "proto", "protocol" -> b.proto = c.value(key, "a protocol such as kernel, static, dhcp").text();
            case "scope" -> b.scope = c.value(key, "a scope such as global, link, host").text();
            case "src" -> b.src = Optional.of(TokenCursor.address(c.value(key, "a source address")));
            case "metric", "preference", "priority" -> b.metric = TokenCursor.number(c.value(key, "a metric"), "metric");
            case "pref" -> b.pref = Optional.of(c.value(key, "low, medium or high").text());
            case "mtu" -> {
                Token v = c.value(key, "an MTU");
                boolean locked = v.text().equals("lock");
                if (locked) {
                    v = c.value(v, "an MTU");
                }
                b.mtu = Optional.of(new RouteMtu(TokenCursor.smallNumber(v, "mtu"), locked));
            }
            default -> throw new LineError("unknown-keyword", "unknown route keyword '" + k + "'", ROUTE_EXPECTED,
                    key.column());
        }
    }

    private static void skipValue(TokenCursor c, Token key) throws LineError {
        Token v = c.value(key, "a value for " + key.text());
        if (v.text().equals("lock")) {
            c.value(v, "a value for " + key.text());
        }
    }

    /** {@code via ADDR} or {@code via inet|inet6 ADDR} (a gateway of the other family). */
    private static IpAddress gateway(TokenCursor c, Token key) throws LineError {
        Token v = c.value(key, "a gateway address");
        if (v.text().equals("inet") || v.text().equals("inet6")) {
            v = c.value(v, "a gateway address");
        }
        return TokenCursor.address(v);
    }

    /** Reads every {@code nexthop ...} group of a continuation line. */
    static void readNexthops(TokenCursor c, RouteBuilder b) throws LineError {
        while (c.hasNext()) {
            Token key = c.next();
            if (!key.text().equals("nexthop")) {
                throw new LineError("unknown-keyword", "unknown nexthop keyword '" + key.text() + "'",
                        "nexthop via ADDR dev IFACE weight N", key.column());
            }
            readNexthop(c, b, key);
        }
    }

    private static void readNexthop(TokenCursor c, RouteBuilder b, Token nexthopKey) throws LineError {
        Optional<IpAddress> via = Optional.empty();
        Optional<String> dev = Optional.empty();
        int weight = 1;
        Set<String> flags = new TreeSet<>();
        while (c.hasNext() && !c.peek().text().equals("nexthop")) {
            Token key = c.next();
            switch (key.text()) {
                case "via" -> via = Optional.of(gateway(c, key));
                case "dev" -> dev = Optional.of(c.value(key, "an interface name").text());
                case "weight" -> weight = weight(c.value(key, "a weight 1-256"));
                case "realms", "realm" -> skipValue(c, key);
                default -> {
                    if (!ROUTE_FLAGS.contains(key.text())) {
                        throw new LineError("unknown-keyword", "unknown nexthop keyword '" + key.text() + "'",
                                "via, dev, weight, onlink, dead or linkdown", key.column());
                    }
                    flags.add(key.text());
                }
            }
        }
        if (via.isEmpty() && dev.isEmpty()) {
            throw new LineError("missing-value", "'nexthop' without via or dev", "nexthop via ADDR dev IFACE",
                    nexthopKey.column());
        }
        b.nexthops.add(new NextHop(via, dev, weight, flags));
    }

    private static int weight(Token t) throws LineError {
        int w = TokenCursor.smallNumber(t, "weight");
        if (w < 1 || w > 256) {
            throw new LineError("bad-number", "nexthop weight " + w + " out of range", "a weight 1-256", t.column());
        }
        return w;
    }
}
