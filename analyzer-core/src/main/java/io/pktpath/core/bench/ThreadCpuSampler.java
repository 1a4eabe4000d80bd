package io.pktpath.core.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Follows the CPU time and allocated bytes of the analysis' helper threads (reader, report), which end with the analysis,
 * by polling every thread while it runs; the last value seen per thread is its total to within one polling interval.
 */
final class ThreadCpuSampler implements AutoCloseable {
    private static final long INTERVAL_MILLIS = 20;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, String> names = new HashMap<>();
    private final Map<Long, Long> lastNanos = new HashMap<>();
    private final Map<Long, Long> lastAllocated = new HashMap<>();
    private final Thread poller;
    private volatile boolean running = true;

    ThreadCpuSampler() {
        poller = new Thread(this::poll, "bench-thread-cpu");
        poller.setDaemon(true);
        poller.start();
    }

    private void poll() {
        while (running) {
            sample();
            try {
                Thread.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void sample() {
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null || !info.getThreadName().startsWith("pktpath-")) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (cpu > 0) {
                names.put(info.getThreadId(), info.getThreadName());
                lastNanos.merge(info.getThreadId(), cpu, Math::max);
                long allocated = RunStats.allocatedBytes(info.getThreadId());
                if (allocated > 0) {
                    lastAllocated.merge(info.getThreadId(), allocated, Math::max);
                }
            }
        }
    }

    /** CPU seconds per thread name (threads of the same name summed), as last seen. */
    synchronized Map<String, Double> seconds() {
        Map<String, Double> out = new TreeMap<>();
        lastNanos.forEach((id, nanos) -> out.merge(names.get(id), nanos / 1e9, Double::sum));
        return out;
    }

    /** Bytes allocated per thread name (threads of the same name summed), as last seen; empty when the JVM cannot tell. */
    synchronized Map<String, Long> allocatedBytes() {
        Map<String, Long> out = new TreeMap<>();
        lastAllocated.forEach((id, bytes) -> out.merge(names.get(id), bytes, Long::sum));
        return out;
    }

    @Override
    public void close() {
        running = false;
        poller.interrupt();
        try {
            poller.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
