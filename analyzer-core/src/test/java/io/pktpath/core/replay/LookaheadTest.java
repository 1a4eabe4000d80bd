package io.pktpath.core.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.bench.BenchBundle;
import io.pktpath.core.bundle.BundleOpener;
import io.pktpath.core.capture.CaptureReader;
import io.pktpath.core.capture.Direction;
import io.pktpath.core.routing.NodeNetwork;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.Bundle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lookahead's index finds exactly the frames a scan of every frame of the window finds (the copies of a packet,
 * up to the first frame past the window, also when the capture's clock goes back), and a replay searching egress copies
 * through it gives the traces of one reading every frame: on a capture of every interface and on one of a single
 * interface, where most packets have no copy and the scan read the whole window for each.
 */
class LookaheadTest {
    @TempDir
    static Path dir;
    static Bundle bundle;
    static List<CapturedPacket> frames;

    @BeforeAll
    static void generate() throws Exception {
        BenchBundle.write(dir, 100, 6_000, BenchBundle.DEFAULT_SEED);
        bundle = new BundleOpener().open(dir).bundle();
        NodeNetwork net = Analyzer.network(bundle);
        frames = DecodedCapture.read(CaptureReader.open(dir.resolve("capture.pcap"), net::interfaceName),
                new PacketConverter("", Direction.UNKNOWN)).frames();
    }

    @Test
    void packetsOfTheSameIdentityHaveTheSameKey() {
        int pairs = 0;
        for (int i = 0; i < frames.size(); i++) {
            for (int j = i + 1; j < Math.min(frames.size(), i + 200); j++) {
                CapturedPacket a = frames.get(i);
                CapturedPacket b = frames.get(j);
                if (a.packet().isPresent() && b.packet().isPresent()
                        && ReplayLoop.sameIdentity(a.packet().get(), b.packet().get()) && a.payloadHash() == b.payloadHash()) {
                    pairs++;
                    assertEquals(Lookahead.identityKey(a.packet().get(), a.payloadHash()),
                            Lookahead.identityKey(b.packet().get(), b.payloadHash()), "frames " + a.frame() + ", " + b.frame());
                }
            }
        }
        assertTrue(pairs > 2_000, "ingress and egress copies: " + pairs);
    }

    @Test
    void theIndexFindsWhatAScanOfEveryFrameFinds() {
        Random random = new Random(7);
        // capture times that sometimes go back (a capture of several interfaces), and a window of a few frames
        List<CapturedPacket> jittered = new ArrayList<>();
        for (CapturedPacket f : frames) {
            long jitter = random.nextInt(10) == 0 ? -random.nextInt(60_000) : 0;
            jittered.add(withTime(f, f.summary().timeNanos() + jitter));
        }
        long window = 40_000;
        Lookahead ahead = new Lookahead(true);
        int next = 0;
        int compared = 0;
        int found = 0;
        int scans = 0;
        for (int current = 0; current < jittered.size(); current++) {
            while (next < jittered.size() && next <= current + 64) {
                ahead.noteRead(jittered.get(next));
                ahead.add(jittered.get(next++));
            }
            CapturedPacket cp = ahead.poll();
            assertEquals(jittered.get(current), cp);
            if (cp.packet().isEmpty()) {
                continue;
            }
            long until = cp.summary().timeNanos() + window;
            List<CapturedPacket> expected = new ArrayList<>();
            for (CapturedPacket later : ahead) {
                if (later.summary().timeNanos() > until) {
                    break;
                }
                if (isCopy(later, cp)) {
                    expected.add(later);
                }
            }
            Iterable<CapturedPacket> candidates = ahead.copyCandidates(cp.packet().get(), cp.payloadHash(),
                    ahead.polledLatest(), until);
            if (candidates == null) {
                scans++;
                assertTrue(ahead.polledLatest() > until, "frame " + cp.frame() + ": no index answer without a reason");
                continue;
            }
            List<CapturedPacket> got = new ArrayList<>();
            for (CapturedPacket c : candidates) {
                if (isCopy(c, cp)) {
                    got.add(c);
                }
            }
            assertEquals(expected, got, "frame " + cp.frame());
            compared++;
            found += got.size();
        }
        assertTrue(compared > 4_000 && found > 2_000 && scans > 10, compared + " compared, " + found + " found, " + scans + " scans");
        assertNull(ahead.poll());
        assertNotNull(new Lookahead(true).copyCandidates(frames.get(0).packet().get(), 0, 0, 1));
        assertNull(new Lookahead(false).copyCandidates(frames.get(0).packet().get(), 0, 0, 1), "no index: scan");
    }

    @Test
    void replayingWithTheIndexGivesTheTracesOfAScanOfEveryFrame() throws IOException {
        Path all = dir.resolve("capture.pcap");
        Path eth0 = dir.resolve("eth0.pcap");
        int kept = io.pktpath.core.capture.OneInterface.keep(all, eth0, 2);
        assertTrue(kept > 1_000 && kept < frames.size(), kept + " frames on eth0");
        Path jumpy = dir.resolve("jumpy.pcap");
        clockJumps(all, jumpy);
        for (Path capture : List.of(all, eth0, jumpy)) {
            List<PacketTrace> indexed = replay(capture, true);
            List<PacketTrace> scanned = replay(capture, false);
            assertEquals(scanned, indexed, capture.toString());
        }
    }

    private static List<PacketTrace> replay(Path capture, boolean indexed) {
        ReplayOptions options = AnalysisOptions.DEFAULT.replay().withIndexedLookahead(indexed);
        NodeNetwork net = Analyzer.network(bundle);
        List<PacketTrace> traces = new ArrayList<>();
        new ReplayLoop(Analyzer.nodePath(bundle, net, options), options).run(CaptureReader.open(capture,
                net::interfaceName), new PacketConverter("", Direction.UNKNOWN), traces::add, n -> { }, () -> false);
        return traces;
    }

    /** What the egress-copy search asks of a frame ahead: an outgoing copy of {@code cp}'s packet. */
    private static boolean isCopy(CapturedPacket later, CapturedPacket cp) {
        return !later.inbound() && later.packet().isPresent()
                && ReplayLoop.sameIdentity(cp.packet().get(), later.packet().get()) && later.payloadHash() == cp.payloadHash();
    }

    private static CapturedPacket withTime(CapturedPacket f, long time) {
        PacketSummary s = f.summary();
        PacketSummary moved = new PacketSummary(s.frame(), time, s.iface(), s.dir(), s.family(), s.proto(), s.src(),
                s.dst(), s.sport(), s.dport(), s.ipId(), s.length(), s.icmpType(), s.icmpCode(), s.tcpFlags(), s.info());
        return new CapturedPacket(moved, f.packet(), f.status(), f.statusMessage(), f.linkSrcMac(), f.linkDstMac(),
                f.sllPacketType(), f.payloadHash());
    }

    /**
     * Copies a nanosecond pcap (as the benchmark's generator writes it) with the clock of some records moved: every 97th
     * a second ahead and every 89th a second back (more than the lookahead's window), every 13th 20 microseconds back
     * (a few frames).
     */
    private static void clockJumps(Path from, Path to) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(from)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b23c4d, b.getInt(0), "a nanosecond pcap");
        int record = 0;
        for (int at = 24; at + 16 <= b.limit(); at += 16 + b.getInt(at + 8), record++) {
            long nanos = (b.getInt(at) & 0xffffffffL) * 1_000_000_000L + b.getInt(at + 4);
            nanos += record % 97 == 96 ? 1_000_000_000L : record % 89 == 88 ? -1_000_000_000L
                    : record % 13 == 12 ? -20_000 : 0;
            b.putInt(at, (int) (nanos / 1_000_000_000L));
            b.putInt(at + 4, (int) (nanos % 1_000_000_000L));
        }
        Files.write(to, b.array());
    }
}
