package io.pktpath.core.findings;

import static io.pktpath.core.findings.SampleBundles.codes;
import static io.pktpath.core.findings.SampleBundles.only;
import static io.pktpath.core.packet.Frames.ip4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.capture.CaptureWriter;
import io.pktpath.core.capture.LinkType;
import io.pktpath.core.capture.PcapWriter;
import io.pktpath.core.packet.Frames;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small captures written for one finding each, replayed through the recorded invalid-drop node (eth0 172.18.0.2 with
 * upstream 172.18.0.1, pod 10.244.1.2 behind cali2567a5ec970): the finding appears with its evidence, and not without it.
 */
class CaptureCasesTest {
    private static final int ETH0 = 2;
    private static final int CALI = 3;
    private static final int CLIENT = ip4(172, 18, 0, 1);
    private static final int POD = ip4(10, 244, 1, 2);
    private static final long T0 = 1_795_300_000_000_000_000L;
    private static final long MS = 1_000_000L;

    @TempDir
    Path tmp;

    private record Frame(long nanos, int ifindex, boolean out, byte[] ip) {
    }

    private static Frame in(long nanos, int ifindex, byte[] ip) {
        return new Frame(nanos, ifindex, false, ip);
    }

    private static byte[] tcp(int src, int dst, int sport, int dport, long seq, long ack, int flags, int len) {
        return Frames.ipv4(src, dst, 6, Frames.tcp(sport, dport, seq, ack, flags, 64240, -1, new byte[len]));
    }

    private AnalysisResult replay(List<Frame> frames) throws IOException {
        return replay(SampleBundles.copy("invalid-drop", tmp), frames);
    }

    private AnalysisResult replay(Path dir, List<Frame> frames) throws IOException {
        try (OutputStream os = Files.newOutputStream(dir.resolve("capture.pcap"));
             PcapWriter w = CaptureWriter.pcap(os, LinkType.LINUX_SLL2, false, true, 65535)) {
            for (Frame f : frames) {
                w.write(f.nanos(), Frames.sll2(0x0800, f.ifindex(), f.out() ? 4 : 0, Frames.MAC_A, f.ip()));
            }
        }
        return SampleBundles.analyze(dir);
    }

    @Test
    void synRetransmittedAfterOneAndThreeSecondsAndNeverAnswered() throws IOException {
        List<Frame> frames = new ArrayList<>();
        for (long at : new long[] {0, 1_020, 3_050}) {
            frames.add(in(T0 + at * MS, ETH0, tcp(CLIENT, POD, 45000, 80, 7000, 0, 0x02, 0)));
        }
        AnalysisResult r = replay(frames);
        Finding syn = only(r, Codes.SYN_RETRANSMIT);
        assertEquals(List.of("172.18.0.1:45000 > 10.244.1.2:80: SYN 3 frames (1, 2, 3), repeated +1.020 s, +3.050 s after "
                + "the first (Linux RTO: 1 s, 3 s, 7 s...)"), syn.evidence());
        Finding silent = only(r, Codes.UNANSWERED);
        assertEquals("1 connection(s) to 10.244.1.2:80 never answered", silent.title());
    }

    /** A SYN at T0, then another client's answered handshake {@code laterMs} later, where the capture ends. */
    private AnalysisResult synThenCaptureEndsAfter(long laterMs) throws IOException {
        long end = T0 + laterMs * MS;
        return replay(List.of(
                in(T0, ETH0, tcp(CLIENT, POD, 45000, 80, 7000, 0, 0x02, 0)),
                in(end - 2 * MS, ETH0, tcp(CLIENT, POD, 45001, 80, 8000, 0, 0x02, 0)),
                in(end - MS, CALI, tcp(POD, CLIENT, 80, 45001, 9000, 8001, 0x12, 0)),
                in(end, ETH0, tcp(CLIENT, POD, 45001, 80, 8001, 9001, 0x10, 0))));
    }

    @Test
    void aSynTheCaptureStoppedBeforeItsReplyWasDueIsNotCalledUnanswered() throws IOException {
        AnalysisResult r = synThenCaptureEndsAfter(400);
        assertFalse(codes(r).contains(Codes.UNANSWERED), codes(r).toString());
        Finding pending = only(r, Codes.UNANSWERED_AT_END);
        assertEquals(FindingSeverity.INFO, pending.severity());
        assertEquals("1 connection(s) had no reply yet when the capture ended, less than 1 s after their first packet",
                pending.title());
        assertEquals(List.of("flow 172.18.0.1:45000 -> 10.244.1.2:80 (SYN_SENT): first packet 0.400 s before the capture's"
                + " last frame, frame 1"), pending.evidence());
        assertEquals(List.of(1L), pending.frames());
    }

    @Test
    void sevenPendingConnectionsShowFiveAndCountTheRest() throws IOException {
        List<Frame> frames = new ArrayList<>();
        for (int n = 0; n < 7; n++) {
            frames.add(in(T0 + n * MS, ETH0, tcp(CLIENT, POD, 46000 + n, 80, 7000, 0, 0x02, 0)));
        }
        Finding pending = only(replay(frames), Codes.UNANSWERED_AT_END);
        assertEquals("7 connection(s) had no reply yet when the capture ended, less than 1 s after their first packet",
                pending.title());
        assertEquals(6, pending.evidence().size(), pending.evidence().toString());
        assertEquals("and 2 more like these", pending.evidence().get(5));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), pending.frames());
    }

    @Test
    void aSynTheCaptureFollowedForASecondIsUnanswered() throws IOException {
        AnalysisResult r = synThenCaptureEndsAfter(1_000);
        assertEquals("1 connection(s) to 10.244.1.2:80 never answered", only(r, Codes.UNANSWERED).title());
        assertFalse(codes(r).contains(Codes.UNANSWERED_AT_END), codes(r).toString());
    }

    @Test
    void answeredHandshakeHasNeitherRetransmitNorSilence() throws IOException {
        AnalysisResult r = replay(List.of(
                in(T0, ETH0, tcp(CLIENT, POD, 45000, 80, 7000, 0, 0x02, 0)),
                in(T0 + MS, CALI, tcp(POD, CLIENT, 80, 45000, 9000, 7001, 0x12, 0)),
                in(T0 + 2 * MS, ETH0, tcp(CLIENT, POD, 45000, 80, 7001, 9001, 0x10, 0))));
        assertFalse(codes(r).contains(Codes.SYN_RETRANSMIT), codes(r).toString());
        assertFalse(codes(r).contains(Codes.UNANSWERED), codes(r).toString());
    }

    private List<Frame> establishedThenIcmp(int code) {
        byte[] big = tcp(POD, CLIENT, 80, 45000, 9001, 7001, 0x18, 1400);
        byte[] quoted = new byte[28];
        System.arraycopy(big, 0, quoted, 0, 28);
        return List.of(
                in(T0, ETH0, tcp(CLIENT, POD, 45000, 80, 7000, 0, 0x02, 0)),
                in(T0 + MS, CALI, tcp(POD, CLIENT, 80, 45000, 9000, 7001, 0x12, 0)),
                in(T0 + 2 * MS, ETH0, tcp(CLIENT, POD, 45000, 80, 7001, 9001, 0x10, 0)),
                in(T0 + 3 * MS, CALI, big),
                in(T0 + 4 * MS, ETH0, Frames.ipv4(CLIENT, POD, 1, Frames.icmp(3, code, code == 4 ? 1280 : 0, quoted))));
    }

    @Test
    void fragmentationNeededIsReportedWithTheQuotedPacket() throws IOException {
        AnalysisResult r = replay(establishedThenIcmp(4));
        Finding f = only(r, Codes.ICMP_FRAG_NEEDED);
        assertEquals("Packets too big for the path: 1 ICMP 3/4 unreachable need-frag mtu 1280 from 172.18.0.1", f.title());
        assertEquals(List.of(5L), f.frames());
        assertEquals("frame 5 quotes TCP 10.244.1.2:80 > 172.18.0.1:45000", f.evidence().get(1));
        assertFalse(codes(r).contains(Codes.ICMP_ERROR), codes(r).toString());
    }

    @Test
    void portUnreachableIsAnIcmpErrorNotAnMtuProblem() throws IOException {
        AnalysisResult r = replay(establishedThenIcmp(3));
        assertFalse(codes(r).contains(Codes.ICMP_FRAG_NEEDED), codes(r).toString());
        assertEquals("1 ICMP error(s) ICMP 3/3 unreachable port from 172.18.0.1", only(r, Codes.ICMP_ERROR).title());
    }

    @Test
    void inputPolicyDropIsNamedAndAcceptPolicyIsNot(@TempDir Path other) throws IOException {
        List<Frame> toNode = List.of(in(T0, ETH0, tcp(CLIENT, ip4(172, 18, 0, 2), 45000, 8443, 1, 0, 0x02, 0)));
        Path dir = SampleBundles.copy("invalid-drop", tmp);
        SampleBundles.replaceInFiles(dir, "iptables-save*.txt", ":INPUT ACCEPT", ":INPUT DROP");
        Finding f = only(replay(dir, toNode), Codes.POLICY_DROP);
        assertEquals("1 packet(s) dropped by the DROP policy of filter INPUT", f.title());
        assertEquals(List.of(1L), f.frames());
        assertEquals(List.of("filter INPUT policy: :INPUT DROP"), f.rules());
        AnalysisResult accepted = replay(SampleBundles.copy("invalid-drop", other), toNode);
        assertFalse(codes(accepted).contains(Codes.POLICY_DROP), codes(accepted).toString());
    }

    @Test
    void packetFromTheNodesOwnAddressIsAMartian() throws IOException {
        AnalysisResult r = replay(List.of(in(T0, ETH0, tcp(ip4(172, 18, 0, 2), POD, 45000, 80, 1, 0, 0x02, 0))));
        Finding f = only(r, Codes.MARTIAN);
        assertEquals(FindingSeverity.WARNING, f.severity());
        assertEquals(List.of(1L), f.frames());
        assertTrue(f.evidence().get(0).contains("source 172.18.0.2 is a local address"), f.evidence().toString());
    }

    @Test
    void conntrackTableNearlyFull() throws IOException {
        Path dir = SampleBundles.copy("invalid-drop", tmp);
        Path sysctl = dir.resolve("sysctl.txt");
        String text = Files.readString(sysctl).replaceAll("(?m)^net\\.netfilter\\.nf_conntrack_(count|max) = .*\\n", "");
        Files.writeString(sysctl, text + "net.netfilter.nf_conntrack_count = 9500\nnet.netfilter.nf_conntrack_max = 10000\n");
        Finding f = only(SampleBundles.analyze(dir), Codes.CONNTRACK_TABLE_FULL);
        assertEquals(FindingSeverity.ERROR, f.severity());
        assertEquals("Conntrack table 95% full", f.title());
        assertEquals("net.netfilter.nf_conntrack_count = 9500 of net.netfilter.nf_conntrack_max = 10000 (95%)",
                f.evidence().get(0));
        Files.writeString(sysctl, text + "net.netfilter.nf_conntrack_count = 100\nnet.netfilter.nf_conntrack_max = 10000\n");
        assertFalse(codes(SampleBundles.analyze(dir)).contains(Codes.CONNTRACK_TABLE_FULL));
    }

    @Test
    void legacyTablesWarningBecomesAFinding() throws IOException {
        Path dir = SampleBundles.copy("invalid-drop", tmp);
        assertFalse(codes(SampleBundles.analyze(dir)).contains(Codes.LEGACY_TABLES));
        Path save = dir.resolve("iptables-save.txt");
        Files.writeString(save, "# Warning: iptables-legacy tables present, use iptables-legacy-save to see them\n"
                + Files.readString(save));
        Finding f = only(SampleBundles.analyze(dir), Codes.LEGACY_TABLES);
        assertEquals(FindingSeverity.WARNING, f.severity());
        assertTrue(f.title().startsWith("A second, iptables-legacy ruleset is active"), f.title());
    }

    /**
     * A datagram whose TTL runs out creates an entry that is never confirmed, whose id the next connection then gets:
     * that connection, never answered, is not explained by the dropped datagram.
     */
    @Test
    void aDroppedFirstPacketExplainsNoLaterConnectionThatGetsItsEntrysId() throws IOException {
        byte[] expiring = Frames.ipv4(CLIENT, POD, 17, 0x1111, 1, 0x4000, new byte[0], Frames.udp(46000, 53, new byte[20]));
        byte[] query = Frames.ipv4(CLIENT, POD, 17, 0x2222, 64, 0x4000, new byte[0], Frames.udp(46001, 53, new byte[20]));
        AnalysisResult r = replay(List.of(in(T0, ETH0, expiring), in(T0 + 10 * MS, ETH0, query),
                in(T0 + 1_020 * MS, ETH0, query)));
        assertEquals("1 connection(s) to 10.244.1.2:53 never answered", only(r, Codes.UNANSWERED).title());
    }
}
