package io.pktpath.core.analysis;

import io.pktpath.core.replay.TraceSink;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.util.Failures;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands the replay's traces, in batches through a bounded queue, to a thread of their own that feeds the summary, the
 * findings and the caller's sink in frame order, so that reporting runs beside the replay instead of after each frame.
 * The order the downstream sink sees is exactly the replay's; a failure downstream (an output that cannot be written)
 * surfaces in the replay thread at its next frame or at {@link #finish()}.
 */
final class TraceHandoff implements TraceSink, AutoCloseable {
    private static final int BATCH = 256;
    /** Batches the replay may be ahead of the report thread (traces held here survive young collections: keep it small). */
    private static final int QUEUED_BATCHES = 16;
    private static final List<PacketTrace> END = new ArrayList<>(0);

    private final BlockingQueue<List<PacketTrace>> queue = new ArrayBlockingQueue<>(QUEUED_BATCHES);
    private final Thread thread;
    private volatile Throwable failure;
    private volatile boolean abandoned;
    private List<PacketTrace> batch = new ArrayList<>(BATCH);
    private boolean finished;

    TraceHandoff(TraceSink downstream) {
        thread = new Thread(() -> drain(downstream), "pktpath-report");
        thread.setDaemon(true);
        thread.start();
    }

    private void drain(TraceSink downstream) {
        try {
            while (true) {
                List<PacketTrace> next = queue.take();
                if (next == END) {
                    return;
                }
                if (failure == null) {
                    for (PacketTrace t : next) {
                        downstream.accept(t);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            failure = e;
            // keep taking batches so the replay never blocks on a full queue; it stops at its next frame
            while (!abandoned) {
                try {
                    if (queue.poll(100, TimeUnit.MILLISECONDS) == END) {
                        return;
                    }
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    @Override
    public void accept(PacketTrace trace) {
        batch.add(trace);
        if (batch.size() == BATCH) {
            rethrowFailure();
            put(batch);
            batch = new ArrayList<>(BATCH);
        }
    }

    /** Hands over what is left, waits until the downstream sink has seen every trace, and rethrows its failure. */
    void finish() {
        if (!finished) {
            finished = true;
            if (!batch.isEmpty()) {
                put(batch);
            }
            put(END);
            join();
        }
        rethrowFailure();
    }

    private void put(List<PacketTrace> traces) {
        try {
            queue.put(traces);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing traces to the report thread", e);
        }
    }

    private void join() {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void rethrowFailure() {
        Failures.throwIfUnchecked(failure);
    }

    /** Stops the report thread without waiting for the rest (the replay failed or was abandoned). */
    @Override
    public void close() {
        if (!finished) {
            finished = true;
            abandoned = true;
            queue.clear();
            queue.offer(END);
            thread.interrupt();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
