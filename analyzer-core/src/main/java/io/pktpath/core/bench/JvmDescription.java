package io.pktpath.core.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * The line a benchmark prints about the JVM it ran in (its collectors and the options it was started with), since the
 * launcher's options change the figures: a result can then be re-run the way it was taken.
 */
public final class JvmDescription {
    private JvmDescription() {
    }

    /** For example {@code "collectors PS Scavenge, PS MarkSweep; JVM options -Xmx2g -XX:+UseParallelGC"}. */
    public static String line() {
        return line(ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                .toList(), ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    static String line(List<String> collectors, List<String> options) {
        return "collectors " + String.join(", ", collectors) + "; JVM options "
                + (options.isEmpty() ? "(none)" : String.join(" ", options));
    }
}
