package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.LineError;
import io.pktpath.parser.diag.Diagnostics;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.net.IpFamily;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses {@code ip [-4|-6] route [show table all|table T]} text output (ip-route(8)), old style with double spaces
 * included; multipath next hops come on following indented {@code nexthop} lines. Routes without {@code table} belong to
 * {@code defaultTable} ({@code main} for {@code show table all} and plain {@code ip route}). A bad line becomes one
 * diagnostic and is skipped.
 */
public final class IpRouteParser {
    private IpRouteParser() {
    }

    public static Parsed<List<Route>> parse(String fileName, String text) {
        return parse(fileName, text, Optional.empty(), "main");
    }

    public static Parsed<List<Route>> parse(String fileName, String text, IpFamily family) {
        return parse(fileName, text, Optional.of(family), "main");
    }

    /** Parses with a known family (for {@code default} routes) and the table of routes printed without {@code table}. */
    public static Parsed<List<Route>> parse(String fileName, String text, Optional<IpFamily> family, String defaultTable) {
        List<ListingLine> lines = ListingLine.of(fileName, text);
        IpFamily fileFamily = family.orElseGet(() -> inferFamily(lines));
        Diagnostics diags = new Diagnostics();
        List<Route> routes = new ArrayList<>();
        RouteBuilder pending = null;
        boolean skippingContinuations = false;
        for (ListingLine l : lines) {
            String line = l.line();
            List<Token> tokens = l.tokens();
            boolean continuation = l.indented() && tokens.get(0).text().equals("nexthop");
            try {
                if (continuation) {
                    if (skippingContinuations) {
                        continue;
                    }
                    if (pending == null) {
                        throw new LineError("orphan-nexthop", "'nexthop' line without a route before it",
                                "a route line before its nexthop lines", tokens.get(0).column());
                    }
                    RouteLineReader.readNexthops(l.cursor(), pending);
                    pending.text.append('\n').append(line.strip());
                    continue;
                }
                if (pending != null) {
                    routes.add(pending.build(fileFamily));
                    pending = null;
                }
                skippingContinuations = false;
                pending = new RouteBuilder(defaultTable, l.span(), line.strip());
                RouteLineReader.readRoute(l.cursor(), pending);
            } catch (LineError e) {
                l.report(e, diags);
                if (!continuation) {
                    pending = null;
                    skippingContinuations = true;
                } else if (pending != null) {
                    pending = null;
                    skippingContinuations = true;
                }
            }
        }
        if (pending != null) {
            routes.add(pending.build(fileFamily));
        }
        return new Parsed<>(List.copyOf(routes), diags.toList());
    }

    /**
     * IPv6 when the first destination or gateway in the file is an IPv6 address ({@code ::1} and {@code ::/0} too), or
     * a route before any address says {@code pref} (only IPv6 routes have a router preference), else IPv4.
     */
    static IpFamily inferFamily(List<ListingLine> lines) {
        for (ListingLine line : lines) {
            for (Token t : line.tokens()) {
                String s = t.text();
                if (s.equals("pref") || s.indexOf(':') >= 0 && s.indexOf('.') < 0
                        && (s.charAt(0) == ':' || Character.digit(s.charAt(0), 16) >= 0)) {
                    return IpFamily.V6;
                }
                if (!s.isEmpty() && Character.isDigit(s.charAt(0)) && s.indexOf('.') > 0) {
                    return IpFamily.V4;
                }
            }
        }
        return IpFamily.V4;
    }
}
