package io.pktpath.parser.iproute;

import java.util.Locale;
import java.util.Optional;

/** The route types of {@code ip-route(8)}; unicast is the one printed without a keyword. */
public enum RouteType {
    UNICAST, LOCAL, BROADCAST, MULTICAST, BLACKHOLE, UNREACHABLE, PROHIBIT, THROW, ANYCAST, NAT;

    /** The keyword as iproute2 prints it. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type for a keyword, or empty when the word is not a route type. */
    public static Optional<RouteType> fromKeyword(String word) {
        for (RouteType t : values()) {
            if (t.keyword().equals(word)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** True for the types that drop the packet at the route lookup (blackhole, unreachable, prohibit). */
    public boolean rejects() {
        return this == BLACKHOLE || this == UNREACHABLE || this == PROHIBIT;
    }
}
