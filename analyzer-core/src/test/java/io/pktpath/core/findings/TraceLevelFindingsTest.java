package io.pktpath.core.findings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.net.IpAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Detectors fed with traces shaped like the replay's, for signatures no recorded bundle holds. */
class TraceLevelFindingsTest {
    private static final long S = 1_000_000_000L;

    private static PacketTrace segment(long frame, long nanos, String iface, long seq, int len, List<String> notes) {
        PacketSummary p = new PacketSummary(frame, nanos, iface, "out", 4, 6, Optional.of(IpAddress.v4(0x0a000005)),
                Optional.of(IpAddress.v4(0x0a090909)), 40000, 80, 1, 40 + len, -1, -1, 0x18, null, seq, 1,
                Optional.empty(), len);
        assertEquals("TCP 10.0.0.5:40000 > 10.9.9.9:80 [P.] seq " + seq + " ack 1 len " + len, p.info());
        return new PacketTrace(p, FrameRole.LOCAL_OUT, List.of(), Disposition.SENT, "sent", Optional.empty(),
                Optional.empty(), List.of(), List.of(), List.of(), notes, 1);
    }

    private static List<RetransmitTracker.Segment> feed(String iface, long[] offsets) {
        RetransmitTracker r = new RetransmitTracker();
        for (int i = 0; i < offsets.length; i++) {
            r.accept(segment(i + 1, offsets[i], iface, 100, 1400, List.of()));
        }
        return r.repeated();
    }

    @Test
    void overlaySegmentRepeatedForAMinuteIsTheVxlanChecksumSignature() {
        long[] backoff = {0, S, 3 * S, 7 * S, 15 * S, 31 * S, 63 * S};
        List<Finding> f = TrafficFindings.retransmits(feed("flannel.1", backoff), Set.of("flannel.1"));
        assertEquals(1, f.size());
        assertEquals(Codes.OVERLAY_RETRANSMIT, f.get(0).code());
        assertEquals("Overlay flow 10.0.0.5:40000 > 10.9.9.9:80 retransmitted 6 times over 63.000 s", f.get(0).title());
        assertEquals(List.of("segment seq 100 on overlay interface flannel.1 sent 7 times: +1.000 s, +3.000 s, +7.000 s, "
                + "+15.000 s, +31.000 s, +63.000 s; about a minute of backoff matches the known 63-second VXLAN "
                + "bad-checksum signature"), f.get(0).evidence());
    }

    /** A data segment of the connection from 10.0.0.5:{@code sport} to 10.9.9.9:80, or back when {@code back}. */
    private static PacketTrace segmentOf(long frame, int sport, boolean back, long seq, long flowId) {
        Optional<IpAddress> client = Optional.of(IpAddress.v4(0x0a000005));
        Optional<IpAddress> server = Optional.of(IpAddress.v4(0x0a090909));
        PacketSummary p = new PacketSummary(frame, frame * 1_000_000L, "eth0", "out", 4, 6, back ? server : client,
                back ? client : server, back ? 80 : sport, back ? sport : 80, 1, 1440, -1, -1, 0x18, null, seq, 1,
                Optional.empty(), 1400);
        return new PacketTrace(p, FrameRole.LOCAL_OUT, List.of(), Disposition.SENT, "sent", Optional.empty(),
                Optional.empty(), List.of(), List.of(), List.of(), List.of(), flowId);
    }

    private static List<String> repeatsOf(RetransmitTracker r) {
        return r.repeated().stream().map(s -> s.tuple() + " seq " + s.seq + " " + s.frames().frames() + " "
                + RetransmitTracker.offsets(s)).toList();
    }

    @Test
    void aFlowsLastEntryFoundByFlowIdIsTheTablesOnlyWhileTheTableHoldsIt() {
        // flows whose ids share a direct-mapped slot (1 and 1 + 2^15), both directions, repeats, next segments, and
        // more connections than the table holds, so entries are dropped while a flow's slot still names them: the
        // tracker given the flow ids finds what the tracker without them (every packet searched in the table) finds
        RetransmitTracker withIds = new RetransmitTracker();
        RetransmitTracker withoutIds = new RetransmitTracker();
        java.util.Random random = new java.util.Random(7);
        long frame = 0;
        int fresh = 4;
        for (int i = 0; i < 300_000; i++) {
            int flow = random.nextInt(10) < 8 ? random.nextInt(4) : fresh++;
            long flowId = flow % 2 == 0 ? 1 + flow / 2 : 1 + (1L << 15) + flow / 2;
            boolean back = random.nextInt(3) == 0;
            long seq = random.nextInt(3);
            frame++;
            withIds.accept(segmentOf(frame, 1024 + flow, back, seq, flowId));
            withoutIds.accept(segmentOf(frame, 1024 + flow, back, seq, 0));
        }
        List<String> found = repeatsOf(withIds);
        assertTrue(found.size() > 1000, found.size() + " repeated segments");
        assertEquals(repeatsOf(withoutIds), found);
    }

    @Test
    void sameRepeatsOffTheOverlayOrANewSegmentEachTimeAreNoOverlayFinding() {
        long[] backoff = {0, S, 3 * S, 7 * S, 15 * S};
        assertEquals(List.of(), TrafficFindings.retransmits(feed("eth0", backoff), Set.of("flannel.1")));
        RetransmitTracker r = new RetransmitTracker();
        for (int i = 0; i < 5; i++) {
            r.accept(segment(i + 1, i * S, "flannel.1", 100 + 1400L * i, 1400, List.of()));
        }
        assertEquals(List.of(), r.repeated());
    }

    @Test
    void egressOnAnotherInterfaceIsAMismatchButAnotherSourcePortIsNot() {
        String otherIface = "frame 9 looks like this packet leaving on eth1 as 10.0.0.5:40000 -> 10.9.9.9:80, but the "
                + "rules in the bundle predict eth0 as 10.0.0.5:40000 -> 10.9.9.9:80: the dump may be from another node "
                + "or another time";
        String otherPort = "frame 9 looks like this packet leaving on eth0 as 172.18.0.2:5193 -> 172.18.0.1:5300, but "
                + "the rules in the bundle predict eth0 as 172.18.0.2:51003 -> 172.18.0.1:5300: the dump may be from "
                + "another node or another time";
        assertFalse(TrafficTracker.onlySourcePortDiffers(otherIface));
        assertTrue(TrafficTracker.onlySourcePortDiffers(otherPort));
        // found by CorruptedBundleTest (ipset-calico without the set that kept pod traffic unmasqueraded): packets
        // without ports (ICMP) threw StringIndexOutOfBoundsException here
        assertFalse(TrafficTracker.onlySourcePortDiffers("frame 9 looks like this packet leaving on eth0 as 10.244.1.2 -> "
                + "10.244.2.5, but the rules in the bundle predict eth0 as 172.18.0.2 -> 10.244.2.5: the dump may be from "
                + "another node or another time"));
        assertFalse(TrafficTracker.onlySourcePortDiffers("frame 9 looks like this packet leaving on eth0 as fd00::2 -> "
                + "fd00::9, but the rules in the bundle predict eth0 as fd00::1 -> fd00::9: the dump"));
        assertTrue(TrafficTracker.onlySourcePortDiffers("frame 9 looks like this packet leaving on eth0 as [fd00::1]:5 -> "
                + "[fd00::9]:80, but the rules in the bundle predict eth0 as [fd00::1]:7 -> [fd00::9]:80: the dump"));
        TrafficTracker t = new TrafficTracker();
        PacketTrace first = segment(8, 0, "eth0", 1, 10, List.of(otherIface));
        PacketTrace second = segment(10, S, "eth0", 11, 10, List.of(otherPort));
        t.accept(first, false, first.firstConntrackStep());
        t.accept(second, false, second.firstConntrackStep());
        List<Finding> f = TrafficFindings.mismatches(t, Set.of());
        assertEquals(1, f.size());
        assertEquals(List.of(8L), f.get(0).frames());
        assertEquals(List.of("frame 8: " + otherIface), f.get(0).evidence());
        assertEquals(List.of(), TrafficFindings.mismatches(t, Set.of("10.0.0.5:40000")));
    }

    @Test
    void findingsAreOrderedBySeverityThenFirstFrameThenCode() {
        Finding warnEarly = finding("B", FindingSeverity.WARNING, List.of(2L));
        Finding errorLate = finding("Z", FindingSeverity.ERROR, List.of(50L, 7L));
        Finding errorNoFrames = finding("A", FindingSeverity.ERROR, List.of());
        Finding errorSameFrame = finding("C", FindingSeverity.ERROR, List.of(7L));
        Finding info = finding("A", FindingSeverity.INFO, List.of(1L));
        assertEquals(List.of(errorSameFrame, errorLate, errorNoFrames, warnEarly, info),
                FindingOrder.sort(List.of(info, warnEarly, errorNoFrames, errorLate, errorSameFrame)));
    }

    private static Finding finding(String code, FindingSeverity s, List<Long> frames) {
        return new Finding(code, s, code + " title", frames, List.of(), List.of("evidence"), "fix", "sure");
    }

    @Test
    void frameSampleKeepsTheFirstEightAndCountsAll() {
        FrameSample one = new FrameSample();
        one.add(4);
        assertEquals("frame 4", one.describe());
        FrameSample many = new FrameSample();
        for (long i = 1; i <= 10; i++) {
            many.add(i);
        }
        assertEquals("10 frames (first: 1, 2, 3, 4, 5, 6, 7, 8, ...)", many.describe());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), many.frames());
    }

    @Test
    void kernelCasesOfTheUdpRace() {
        assertTrue(KernelRaceCase.describe(Optional.empty()).startsWith("kernel version unknown"));
        assertTrue(KernelRaceCase.mayDrop(Optional.empty()));
        var k419 = new io.pktpath.parser.bundle.KernelVersion(4, 19, 0, "4.19.0-26-amd64");
        assertEquals("kernel 4.19.0-26-amd64 (4.7-4.20): clash resolution skips connections with a NAT extension, so on "
                + "a node using NAT the losing datagram is dropped", KernelRaceCase.describe(Optional.of(k419)));
        var k44 = new io.pktpath.parser.bundle.KernelVersion(4, 4, 0, "4.4.0-210");
        assertEquals("kernel 4.4.0-210 (before 4.7, no clash resolution): the losing datagram is always dropped",
                KernelRaceCase.describe(Optional.of(k44)));
        assertFalse(KernelRaceCase.mayDrop(Optional.of(new io.pktpath.parser.bundle.KernelVersion(5, 6, 0, "5.6.0"))));
    }
}
