package io.pktpath.core.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pktpath.core.packet.DecodeIssues;
import io.pktpath.core.packet.PacketDecoder;
import io.pktpath.core.packet.PacketView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Reads every capture under shared/peer/captures; frame counts are those capinfos 3.x reports. */
class PeerCapturesTest {
    private static Path dir;

    @BeforeAll
    static void locate() {
        dir = PeerData.captures().orElse(null);
    }

    /** Expected frame count (capinfos -c), capture issues, and decode issues (by frame number) of the frames. */
    record Expect(String file, long frames, List<String> issues, Map<Long, String> problems) {
        @Override
        public String toString() {
            return file;
        }
    }

    private static Expect ok(String file, long frames) {
        return new Expect(file, frames, List.of(), Map.of());
    }

    private static Expect bad(String file, long frames, Map<Long, String> problems, String... issues) {
        return new Expect(file, frames, List.of(issues), problems);
    }

    static Stream<Expect> expectations() {
        return Stream.of(
                ok("pcapngtest-be-basic-test001.pcapng", 4),
                ok("pcapngtest-le-advanced-test100-nrb-3idb.pcapng", 5),
                ok("pcapngtest-le-advanced-test101-isb.pcapng", 4),
                ok("pcapngtest-le-advanced-test102-all-blocks.pcapng", 5),
                ok("pcapngtest-le-basic-test001.pcapng", 4),
                ok("pcapngtest-le-basic-test003-empty.pcapng", 0),
                ok("pcapngtest-le-basic-test010-spb.pcapng", 4),
                ok("tcpdump-8021ad-qinq.pcap", 2),
                ok("tcpdump-dns-tcp.pcap", 11),
                ok("tcpdump-dns-udp.pcap", 2),
                ok("tcpdump-empty.pcapng", 0),
                ok("tcpdump-gso-ipv4-vxlan-ipv4.pcap", 1),
                bad("tcpdump-heap-overflow-1.pcap", 1, Map.of(1L, "ERROR[malformed-header] tcpdump-heap-overflow-1.pcap: frame 1 at byte 24: "
                        + "IP version 3 is neither 4 nor 6 (expected: valid header fields)")),
                bad("tcpdump-ip6-frag-asan.pcap", 1, Map.of(1L, "ERROR[truncated-header] tcpdump-ip6-frag-asan.pcap: frame 1 at byte 24: "
                        + "truncated IPv6 extension header 44 (needed 8 bytes, have 6) (expected: complete headers)")),
                bad("tcpdump-ipv6-invalid-length.pcap", 1, Map.of(1L, "ERROR[truncated-header] tcpdump-ipv6-invalid-length.pcap: frame 1 at byte 24: "
                        + "truncated IPv6 header (needed 40 bytes, have 39) (expected: complete headers)")),
                ok("tcpdump-linktype-ipv4.pcap", 1),
                ok("tcpdump-linktype-raw-ipv6.pcap", 1),
                ok("tcpdump-nflog.pcap", 4),
                ok("tcpdump-rawip-tcp-rst.pcap", 2),
                ok("tcpdump-sll-tcp-handshake-nano.pcap", 3),
                bad("tcpdump-tcp-header-heapoverflow.pcap", 1, Map.of(1L, "ERROR[truncated-header] tcpdump-tcp-header-heapoverflow.pcap: frame 1 at byte 24: "
                        + "truncated TCP header (needed 20 bytes, have 12) (expected: complete headers)")),
                bad("tcpdump-timestamp-invalid-micro.pcap", 3, Map.of(),
                        "WARNING[bad-timestamp] tcpdump-timestamp-invalid-micro.pcap: frame 2 at byte 116: timestamp "
                                + "fraction 1000000 µs out of range (expected: a fraction below 1000000)",
                        "WARNING[bad-timestamp] tcpdump-timestamp-invalid-micro.pcap: frame 3 at byte 208: timestamp "
                                + "fraction 2147483648 µs out of range (expected: a fraction below 1000000)"),
                ok("zeek-6in4.pcap", 1),
                ok("zeek-dns-two-responses.pcap", 3),
                bad("zeek-geneve-truncated.pcapng", 1, Map.of(1L, "ERROR[truncated-header] zeek-geneve-truncated.pcapng: frame 1 at byte 108: "
                        + "GENEVE inner packet: truncated Ethernet header (needed 14 bytes, have 0) (expected: complete headers)")),
                ok("zeek-geneve.pcap", 6),
                ok("zeek-http-qinq-0.pcap", 14),
                ok("zeek-http-vlan-0.pcap", 14),
                ok("zeek-icmp-destunreach-udp.pcap", 1),
                ok("zeek-icmp-dot1q.pcap", 15),
                ok("zeek-icmp-timeexceeded.pcap", 1),
                ok("zeek-icmp6-destunreach-ip6ext-udp.pcap", 1),
                ok("zeek-icmp6-packet-too-big.pcap", 1),
                ok("zeek-ip4-tcp-bad-checksum.pcap", 1),
                bad("zeek-ip4-trunc.pcap", 1, Map.of(1L, "ERROR[truncated-header] zeek-ip4-trunc.pcap: frame 1 at byte 24: "
                        + "truncated IPv4 header (needed 20 bytes, have 6) (expected: complete headers)")),
                bad("zeek-ip6-trunc.pcap", 1, Map.of(1L, "ERROR[truncated-header] zeek-ip6-trunc.pcap: frame 1 at byte 24: "
                        + "truncated IPv6 header (needed 40 bytes, have 34) (expected: complete headers)")),
                ok("zeek-ipip-4in4.pcap", 1),
                ok("zeek-ipv4-fragmented-1.pcap", 3),
                ok("zeek-ipv4-fragmented-syn.pcap", 2),
                bad("zeek-ipv4-truncated-broken-header.pcap", 1, Map.of(1L, "ERROR[truncated-header] zeek-ipv4-truncated-broken-header.pcap: frame 1 at byte 24: "
                        + "truncated IPv4 options (needed 60 bytes, have 20) (expected: complete headers)")),
                ok("zeek-ipv6-fragmented-dns.pcap", 8),
                ok("zeek-linux-sll-arp.pcap", 12),
                ok("zeek-linux-sll2-icmp.pcap", 6),
                ok("zeek-nflog-bad-tlv-len.pcap", 1),
                ok("zeek-nflog-http.pcap", 13),
                ok("zeek-pcapng-two-interfaces-ldap.pcapng", 17),
                ok("zeek-tcp-missing-syn.pcap", 21),
                ok("zeek-tcp-rst-inject.pcap", 9),
                ok("zeek-tcp-syn-then-rst.pcap", 2),
                bad("zeek-tcp-truncated-header.pcap", 24, Map.of(1L, "ERROR[truncated-header] zeek-tcp-truncated-header.pcap: frame 1 at byte 24: "
                        + "truncated TCP options (needed 40 bytes, have 34) (expected: complete headers)")),
                ok("zeek-vxlan-encapsulated-http.pcap", 12),
                ok("zeek-vxlan.pcap", 10));
    }

    @ParameterizedTest
    @MethodSource("expectations")
    void everyFrameIsDeliveredAndEveryProblemReported(Expect e) {
        assumeTrue(dir != null, "shared/peer/captures not found beside the reactor root");
        CaptureReader reader = CaptureReader.open(dir.resolve(e.file()));
        PacketDecoder decoder = new PacketDecoder();
        PacketView view = new PacketView();
        Map<Long, String> problems = new TreeMap<>();
        CaptureSummary summary = reader.read(f -> DecodeIssues.of(e.file(), f, decoder.decode(f, view))
                .filter(issue -> issue.severity() == Severity.ERROR)
                .ifPresent(issue -> problems.put(f.frameNumber(), issue.toString())));
        assertEquals(e.frames(), summary.framesDelivered(), "frames");
        assertEquals(e.issues(), summary.issues().stream().map(CaptureIssue::toString).toList());
        assertEquals(new TreeMap<>(e.problems()), problems);
    }

    @Test
    void theTableCoversEveryCaptureInTheFolder() throws IOException {
        assumeTrue(dir != null, "shared/peer/captures not found beside the reactor root");
        List<String> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".SOURCE.txt")).sorted().toList();
        }
        assertEquals(files, expectations().map(Expect::file).sorted().toList());
    }

    @Test
    void nflogFramesAreDeliveredButNotReplayable() {
        assumeTrue(dir != null, "shared/peer/captures not found beside the reactor root");
        List<String> issues = new ArrayList<>();
        PacketView v = new PacketView();
        PacketDecoder decoder = new PacketDecoder();
        CaptureReader.open(dir.resolve("zeek-nflog-bad-tlv-len.pcap")).read(f -> DecodeIssues
                .of("nflog.pcap", f, decoder.decode(f, v)).ifPresent(i -> issues.add(i.toString())));
        assertEquals(List.of("WARNING[unsupported-linktype] nflog.pcap: frame 1 at byte 24: not replayable: NFLOG "
                + "(expected: a link type pktpath decodes)"), issues);
    }

    @Test
    void pcapngInterfacesNamesAndLinkTypes() {
        assumeTrue(dir != null, "shared/peer/captures not found beside the reactor root");
        CaptureContents c = CaptureReader.open(dir.resolve("pcapngtest-le-advanced-test102-all-blocks.pcapng")).readAll();
        assertEquals(List.of(0, 1), c.summary().linkTypes());
        assertEquals("0/eth0/1 2/silly!\r\nethernet interface 2/1 0/eth0/1 0/eth0/1 1/null1/0",
                c.frames().stream().map(f -> f.interfaceId() + "/" + f.interfaceName() + "/" + f.linkType())
                        .collect(Collectors.joining(" ")));
        CaptureContents ldap = CaptureReader.open(dir.resolve("zeek-pcapng-two-interfaces-ldap.pcapng")).readAll();
        assertEquals(126, ldap.summary().interfaces().size());
        assertEquals(17, ldap.frames().stream().filter(f -> f.interfaceId() == 48).count());
    }

    @Test
    void cookedCapturesTellDirectionAndInterface() {
        assumeTrue(dir != null, "shared/peer/captures not found beside the reactor root");
        CaptureContents sll2 = CaptureReader.open(dir.resolve("zeek-linux-sll2-icmp.pcap"),
                i -> i == 26 ? "eth0" : "if" + i).readAll();
        assertEquals(List.of("1/if1/IN", "26/eth0/OUT"), sll2.frames().stream()
                .map(f -> f.interfaceId() + "/" + f.interfaceName() + "/" + f.direction()).distinct().toList());
        CaptureContents nano = CaptureReader.open(dir.resolve("tcpdump-sll-tcp-handshake-nano.pcap")).readAll();
        assertEquals(CaptureFormat.PCAP, nano.summary().format());
        assertEquals(1e9, nano.summary().interfaces().get(0).unitsPerSecond());
    }
}
