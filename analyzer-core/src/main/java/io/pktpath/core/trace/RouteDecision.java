package io.pktpath.core.trace;

import java.util.Objects;

/**
 * The routing decision: the ip rule that led to it (priority), the table, the route's prefix and type, the output
 * device, the gateway and the source address chosen; empty strings where not applicable.
 */
public record RouteDecision(int rulePriority, String table, String prefix, String type, String dev, String via,
                            String src, String routeText) {
    public RouteDecision {
        Objects.requireNonNull(table, "table");
        prefix = nz(prefix);
        type = nz(type);
        dev = nz(dev);
        via = nz(via);
        src = nz(src);
        routeText = nz(routeText);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
