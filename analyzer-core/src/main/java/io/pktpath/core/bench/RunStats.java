package io.pktpath.core.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/** Memory figures for a benchmark run: peak heap used (sum of the heap pools' peaks) and the process's peak RSS. */
final class RunStats {
    private RunStats() {
    }

    /** CPU time of the calling thread in nanoseconds. */
    static long threadCpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /**
     * Bytes allocated so far by thread {@code id} (or -1 when the JVM cannot tell): unlike CPU time, the same on a busy
     * machine and an idle one, so it compares builds even when the load is high.
     */
    static long allocatedBytes(long id) {
        return ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported() ? t.getThreadAllocatedBytes(id) : -1;
    }

    /** CPU time of the whole process (all threads, GC and JIT included) in nanoseconds, or -1 when unknown. */
    static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /** Milliseconds the garbage collectors have spent so far (all collectors, wall time). */
    static long gcMillis() {
        long sum = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, gc.getCollectionTime());
        }
        return sum;
    }

    /** Collects garbage and restarts the heap pools' peak counters. */
    static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** Sum of the heap pools' peak usage since the last reset, in MB (an upper bound of the live heap at any time). */
    static double peakHeapMb() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum / 1e6;
    }

    /** The process's peak resident set (VmHWM from /proc/self/status) in MB, or -1 where there is no /proc. */
    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1e3;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
