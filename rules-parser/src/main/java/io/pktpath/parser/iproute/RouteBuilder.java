package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Collects the attributes of one route while it is read (text or JSON), then builds the immutable {@link Route}. */
final class RouteBuilder {
    RouteType type = RouteType.UNICAST;
    Optional<Cidr> destination = Optional.empty();
    String table;
    Optional<String> dev = Optional.empty();
    Optional<IpAddress> via = Optional.empty();
    Optional<IpAddress> src = Optional.empty();
    long metric;
    String scope = "global";
    String proto = "boot";
    final Set<String> flags = new TreeSet<>();
    Optional<String> pref = Optional.empty();
    Optional<RouteMtu> mtu = Optional.empty();
    final List<NextHop> nexthops = new ArrayList<>();
    final SourceSpan span;
    final StringBuilder text;

    RouteBuilder(String defaultTable, SourceSpan span, String text) {
        this.table = defaultTable;
        this.span = span;
        this.text = new StringBuilder(text);
    }

    /** The family of {@code default}: from the gateway, the source or a next hop, else the file's family. */
    IpFamily family(IpFamily fileFamily) {
        if (destination.isPresent()) {
            return destination.get().family();
        }
        if (via.isPresent()) {
            return via.get().family();
        }
        if (src.isPresent()) {
            return src.get().family();
        }
        return nexthops.stream().flatMap(h -> h.via().stream()).map(IpAddress::family).findFirst().orElse(fileFamily);
    }

    Route build(IpFamily fileFamily) {
        Cidr dst = destination.orElseGet(() -> Cidr.any(family(fileFamily)));
        return new Route(type, dst, table, dev, via, src, metric, scope, proto, flags, pref, mtu, nexthops, span,
                text.toString());
    }
}
