package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One route of {@code ip route show table all} (ip-route(8)): a type, a destination prefix ({@code default} is /0), the
 * table name ({@code main}, {@code local} or as printed), device, gateway, preferred source, metric (0 when not printed),
 * scope, protocol, flags ({@code onlink}, {@code linkdown}, {@code dead}, ...), optional {@code pref}/{@code mtu} (with its
 * {@code lock}), and
 * multipath next hops; {@code span}/{@code text} locate it in its input.
 */
public record Route(RouteType type, Cidr destination, String table, Optional<String> dev, Optional<IpAddress> via,
                    Optional<IpAddress> src, long metric, String scope, String proto, Set<String> flags,
                    Optional<String> pref, Optional<RouteMtu> mtu, List<NextHop> nexthops, SourceSpan span, String text) {
    public Route {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(dev, "dev");
        Objects.requireNonNull(via, "via");
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(proto, "proto");
        flags = Collections.unmodifiableSortedSet(new TreeSet<>(flags));
        Objects.requireNonNull(pref, "pref");
        Objects.requireNonNull(mtu, "mtu");
        nexthops = List.copyOf(nexthops);
        Objects.requireNonNull(span, "span");
        Objects.requireNonNull(text, "text");
    }

    public IpFamily family() {
        return destination.family();
    }

    public boolean onlink() {
        return flags.contains("onlink");
    }

    /** The same route without its input location, to compare routes read from different formats. */
    public Route withoutSource() {
        return new Route(type, destination, table, dev, via, src, metric, scope, proto, flags, pref, mtu, nexthops,
                new SourceSpan("", 0, 0), "");
    }
}
