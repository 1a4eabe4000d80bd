package io.pktpath.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.net.IpAddress;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The report thread sees every trace once, in frame order, and a failure there reaches the replay thread. */
class TraceHandoffTest {
    private static PacketTrace trace(long frame) {
        PacketSummary p = new PacketSummary(frame, frame * 1000, "eth0", "in", 4, 17, Optional.of(IpAddress.v4(0x0a000001)),
                Optional.of(IpAddress.v4(0x0a000002)), 5000, 53, 1, 60, -1, -1, -1, "UDP");
        return new PacketTrace(p, FrameRole.INGRESS, List.of(), Disposition.FORWARDED, "forwarded", Optional.empty(),
                Optional.empty(), List.of(), List.of(), List.of(), List.of(), 0);
    }

    @Test
    void everyTraceArrivesOnceInOrderOnAnotherThread() {
        List<Long> seen = new ArrayList<>();
        List<String> threads = new ArrayList<>();
        try (TraceHandoff handoff = new TraceHandoff(t -> {
            seen.add(t.packet().frame());
            if (threads.isEmpty()) {
                threads.add(Thread.currentThread().getName());
            }
        })) {
            for (long f = 1; f <= 10_000; f++) {
                handoff.accept(trace(f));
            }
            handoff.finish();
        }
        assertEquals(10_000, seen.size());
        for (int i = 0; i < seen.size(); i++) {
            assertEquals(i + 1L, seen.get(i));
        }
        assertEquals(List.of("pktpath-report"), threads);
    }

    @Test
    void aFailingSinkStopsTheReplayWithItsOwnException() {
        UncheckedIOException broken = new UncheckedIOException(new java.io.IOException("broken pipe"));
        try (TraceHandoff handoff = new TraceHandoff(t -> {
            if (t.packet().frame() == 300) {
                throw broken;
            }
        })) {
            UncheckedIOException thrown = assertThrows(UncheckedIOException.class, () -> {
                for (long f = 1; f <= 1_000_000; f++) {
                    handoff.accept(trace(f));
                }
                handoff.finish();
            });
            assertSame(broken, thrown);
        }
    }

    @Test
    void closingWithoutFinishingStopsTheThread() {
        TraceHandoff handoff = new TraceHandoff(t -> { });
        for (long f = 1; f <= 1000; f++) {
            handoff.accept(trace(f));
        }
        handoff.close();
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("pktpath-report")
                && t.isAlive()), "report thread still alive after close");
    }
}
