package io.pktpath.core.findings;

import java.util.Comparator;
import java.util.List;

/** The one order findings are shown in: severity (errors first), then first frame (none last), then code, then title. */
public final class FindingOrder {
    private FindingOrder() {
    }

    public static final Comparator<Finding> ORDER = Comparator.comparing(Finding::severity)
            .thenComparingLong(FindingOrder::firstFrame).thenComparing(Finding::code).thenComparing(Finding::title);

    public static List<Finding> sort(List<Finding> findings) {
        return findings.stream().sorted(ORDER).toList();
    }

    static long firstFrame(Finding f) {
        return f.frames().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
    }
}
