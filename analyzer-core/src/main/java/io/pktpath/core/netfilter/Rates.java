package io.pktpath.core.netfilter;

import java.util.Locale;
import java.util.OptionalLong;

/** Rate units of {@code limit} and {@code hashlimit} ({@code N/sec|min|hour|day}), as nanoseconds per packet. */
final class Rates {
    private Rates() {
    }

    /** Nanoseconds in one unit named by its first letter ({@code s}, {@code m}, {@code h}, {@code d}), if known. */
    static OptionalLong unitNanos(String unit) {
        String u = unit.toLowerCase(Locale.ROOT);
        if (u.isEmpty()) {
            return OptionalLong.empty();
        }
        return switch (u.charAt(0)) {
            case 's' -> OptionalLong.of(1_000_000_000L);
            case 'm' -> OptionalLong.of(60_000_000_000L);
            case 'h' -> OptionalLong.of(3_600_000_000_000L);
            case 'd' -> OptionalLong.of(86_400_000_000_000L);
            default -> OptionalLong.empty();
        };
    }

    /** The cost of one packet: the unit divided by the count (at least 1 ns). */
    static long cost(long count, long unitNanos) {
        return Math.max(1, unitNanos / Math.max(1, count));
    }
}
