package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.Diagnostics;
import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.json.JsonValue;
import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parses {@code ip -j [-6] route [show table all]} JSON into the same {@link Route} model as {@link IpRouteParser}:
 * {@code dst}, {@code gateway} (or {@code via.host}), {@code prefsrc}, {@code protocol}, {@code metrics[].mtu}
 * (never locked: the JSON form does not print {@code lock}), {@code multipath[]}; absent {@code type}, {@code table}, {@code scope} and {@code protocol} mean unicast, main,
 * global and boot, as in the text form. A route's span is the line and column of its JSON object.
 */
public final class IpRouteJsonParser {
    private IpRouteJsonParser() {
    }

    public static Parsed<List<Route>> parse(String fileName, String text) {
        return parse(fileName, text, Optional.empty(), "main");
    }

    public static Parsed<List<Route>> parse(String fileName, String text, Optional<IpFamily> family, String defaultTable) {
        Diagnostics diags = new Diagnostics();
        List<JsonValue.JsonObject> objects = JsonInput.objects(fileName, text, diags);
        IpFamily fileFamily = family.orElseGet(() -> inferFamily(objects));
        List<Route> out = new ArrayList<>();
        for (JsonValue.JsonObject o : objects) {
            try {
                out.add(route(o, JsonInput.span(fileName, o), defaultTable).build(fileFamily));
            } catch (InvalidValueException e) {
                diags.error("bad-route", e.getMessage(), e.expected(), JsonInput.span(fileName, o),
                        JsonInput.lineAt(text, o.line()));
            } catch (IllegalArgumentException e) {
                diags.error("bad-route", e.getMessage(), "values as ip -j prints them", JsonInput.span(fileName, o),
                        JsonInput.lineAt(text, o.line()));
            }
        }
        return new Parsed<>(List.copyOf(out), diags.toList());
    }

    private static IpFamily inferFamily(List<JsonValue.JsonObject> objects) {
        for (JsonValue.JsonObject o : objects) {
            Optional<String> dst = o.string("dst").filter(d -> !d.equals("default"));
            if (dst.isPresent()) {
                return dst.get().contains(":") ? IpFamily.V6 : IpFamily.V4;
            }
        }
        return IpFamily.V4;
    }

    private static RouteBuilder route(JsonValue.JsonObject o, SourceSpan span, String defaultTable)
            throws InvalidValueException {
        RouteBuilder b = new RouteBuilder(defaultTable, span, "");
        Optional<String> type = o.string("type");
        if (type.isPresent()) {
            b.type = RouteType.fromKeyword(type.get()).orElseThrow(() -> new InvalidValueException(
                    "unknown route type '" + type.get() + "'", "one of unicast, local, broadcast, multicast, blackhole, "
                    + "unreachable, prohibit, throw, anycast, nat"));
        }
        String dst = o.string("dst").orElseThrow(() -> new InvalidValueException("route without 'dst'", "a \"dst\" member"));
        if (!dst.equals("default")) {
            b.destination = Optional.of(Cidr.parse(dst));
        }
        o.string("table").ifPresent(t -> b.table = Tables.normalize(t));
        b.dev = o.string("dev");
        b.via = gateway(o);
        if (o.string("prefsrc").isPresent()) {
            b.src = Optional.of(IpAddress.parse(o.string("prefsrc").get()));
        }
        b.metric = o.number("metric").orElse(0L);
        o.string("scope").ifPresent(s -> b.scope = s);
        o.string("protocol").ifPresent(p -> b.proto = p);
        b.flags.addAll(JsonInput.strings(o, "flags"));
        b.pref = o.string("pref");
        for (JsonValue m : o.array("metrics")) {
            if (m instanceof JsonValue.JsonObject mo && mo.number("mtu").isPresent()) {
                b.mtu = Optional.of(new RouteMtu(mo.number("mtu").get().intValue(), false));
            }
        }
        for (JsonValue h : o.array("nexthops").isEmpty() ? o.array("multipath") : o.array("nexthops")) {
            if (h instanceof JsonValue.JsonObject ho) {
                Set<String> flags = new TreeSet<>(JsonInput.strings(ho, "flags"));
                b.nexthops.add(new NextHop(gateway(ho), ho.string("dev"), ho.number("weight").orElse(1L).intValue(), flags));
            }
        }
        return b;
    }

    /** {@code "gateway": "10.0.0.1"} or {@code "via": {"family": "inet6", "host": "fe80::1"}}. */
    private static Optional<IpAddress> gateway(JsonValue.JsonObject o) throws InvalidValueException {
        Optional<String> gw = o.string("gateway").or(() -> o.get("via").filter(JsonValue.JsonObject.class::isInstance)
                .flatMap(v -> ((JsonValue.JsonObject) v).string("host")));
        return gw.isPresent() ? Optional.of(IpAddress.parse(gw.get())) : Optional.empty();
    }
}
