package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.capture.OneInterface;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A capture of one interface (`tcpdump -i eth0`, or of one pod's veth) replays as the capture of every interface does:
 * on every kernel recording, each interface's frames alone get, frame by frame, the fate and the NAT that the replay of
 * the whole capture gives them (which {@link DifferentialTest} holds to the kernel's trace), and no frame the whole
 * capture replays is left out. The packets such a capture shows only leaving are rebuilt as they arrived, from the
 * connection conntrack holds, from the bundle's {@code conntrack -L}, from the DNAT rule that sent them or unchanged,
 * and an ICMP error from another host from the connection of the packet it quotes, that connection's NAT undone;
 * a branch no egress copy decides (the endpoint a {@code statistic} rule picked, a masquerade port the kernel chose) is
 * decided by the bundle's {@code conntrack -L}; a frame on a bridge port for an address beyond the bridge reached its IP
 * stack. What is left is what only the missing interfaces showed, listed below with why.
 */
class OneInterfaceCaptureTest {
    /**
     * Frames that differ, by bundle and interface index, and why: each is knowable only from an interface the capture
     * of this one lacks.
     */
    private static final Map<String, List<Long>> ONLY_ELSEWHERE = Map.ofEntries(
            // the UDP insert race: two datagrams of one tuple sent to two endpoints; conntrack -L keeps the survivor
            // only, and the capture of the client's veth shows neither endpoint's veth
            Map.entry("conntrack-race-udp 3", List.of(11L, 12L, 14L, 308L, 310L, 313L, 316L, 321L, 324L, 433L,
                    435L)),
            // brf-bridge-filter (eth0 2, br-pkp 3, a's port 4, b's 5, c's 6): a's two SYNs to b:8081, dropped by the
            // bridge rule `iifname a oifname b tcp dport 8081 drop`: the port they would have left by (b's) is learned
            // from b's frames received on b's port, which a's port alone lacks, so `oifname` does not match
            Map.entry("brf-bridge-filter 4", List.of(13L, 14L)),
            // the echo requests to c the node sent (br-pkp's frame 12) and routed from the uplink (eth0's 13, br-pkp's
            // 23), dropped by the bridge's output rule `oifname c icmp type echo-request drop`: eth0 or br-pkp alone
            // holds no frame c sent from its port, so the port they leave by is not known and the output chain not walked
            Map.entry("brf-bridge-filter 2", List.of(13L)),
            Map.entry("brf-bridge-filter 3", List.of(12L, 23L)),
            // b's datagram to c:5302, dropped by the bridge's postrouting rule `oifname c udp dport 5302 drop`: b's port
            // alone holds no frame from c, so c's port is not known and `oifname` does not match
            Map.entry("brf-bridge-filter 5", List.of(28L)),
            // brg-bridge-v6 (br-pkp 2, a's port 3, b's 4, c's 5): a's echo request to c, dropped by the bridge's
            // postrouting rule `oifname c icmpv6 type echo-request ip6 saddr a drop`: a's port alone holds no frame c
            // sent from its port, so c's port is not known and `oifname` does not match
            Map.entry("brg-bridge-v6 3", List.of(20L)),
            // the next hop never answered ARP: the whole capture shows no copy leaving eth0, this one lacks eth0
            Map.entry("neigh-failed 3", List.of(3L, 5L, 8L, 9L, 13L)),
            // lost SNAT races to another pod's connections, whose packets are on that pod's veth
            Map.entry("snat-port-race 3", List.of(7L, 10L, 11L, 14L)),
            // the node's connection to 127.0.0.1:8080, DNATed to web and masqueraded to 10.88.0.1: br_netfilter ran
            // PREROUTING on web's port, so podman0's copy of each reply already carries the un-NAT (10.88.0.2:80 >
            // 127.0.0.1:43006); only the port's copy shows the header PREROUTING saw
            Map.entry("podman-netavark 3", List.of(62L, 63L, 64L, 65L, 66L, 67L, 68L, 69L, 70L)),
            // the same on docker0: web's replies to app's connection (masqueraded by app's network) and to the node's
            // two (MASQUERADE FROM HOST) were un-NATed by the PREROUTING br_netfilter ran on web's port, so docker0's
            // copies carry 172.19.0.2, 172.18.0.2 and 127.0.0.1 (DROP DIRECT ACCESS drops the first as a new packet)
            Map.entry("docker-nftables-hairpin 3", List.of(27L, 28L, 29L, 30L, 31L, 32L, 33L, 34L, 35L, 37L, 38L,
                    39L, 40L, 41L, 42L, 43L, 44L, 45L, 47L, 48L, 49L, 50L, 51L, 52L, 53L, 54L, 55L)),
            // and on br-5f1c2e9a7b3d: app's packets to the host's published port, DNATed by the PREROUTING run on app's
            // port, so the bridge's copies carry 172.17.0.2:80 (DROP DIRECT ACCESS again), its replies the un-DNAT
            Map.entry("docker-nftables-hairpin 4", List.of(3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L)),
            // docker-nftables-loopback's docker0: the node's two connections to 127.0.0.1:8080 (DNATed to web,
            // MASQUERADE FROM HOST) after their SYNs; the PREROUTING br_netfilter ran on web's port un-NATed web's
            // replies, so docker0's copies of them carry 127.0.0.1 and only web's port shows what web sent
            Map.entry("docker-nftables-loopback 3", List.of(4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 14L, 15L, 16L, 17L,
                    18L, 19L, 20L, 21L, 22L)),
            // cni-hostport's cni0: the node's two connections to 127.0.0.1:8080 after their SYNs (the portmap plugin's
            // DNAT to web, masqueraded to 10.244.1.1 by CNI-HOSTPORT-MASQ); the PREROUTING br_netfilter ran on web's port
            // un-NATed web's replies, so cni0's copies of them carry 127.0.0.1 and only web's port shows what web sent
            Map.entry("cni-hostport 3", List.of(24L, 25L, 26L, 27L, 28L, 29L, 30L, 31L, 32L, 34L, 35L, 36L, 37L, 38L,
                    39L, 40L, 41L, 42L)),
            // cni-hostport-nft's cni0: the same two connections, masqueraded to 10.244.1.1 by the nftables backend's
            // `ip saddr 127.0.0.1 ip daddr 10.244.1.2 masquerade`
            Map.entry("cni-hostport-nft 3", List.of(24L, 25L, 26L, 27L, 28L, 29L, 30L, 31L, 32L, 34L, 35L, 36L, 37L, 38L,
                    39L, 40L, 41L, 42L)),
            // docker-nftables-unprotected's br-7b2e4d91c0a6: app's connection to web :81, masqueraded to 172.19.0.1 by
            // docker0's MASQUERADE; the PREROUTING br_netfilter ran on web's port un-NATed web's replies, so the
            // bridge's copies of them carry 172.17.0.2 and only web's port shows what web sent
            Map.entry("docker-nftables-unprotected 4", List.of(54L, 55L, 56L, 57L, 58L, 59L, 60L, 61L, 62L)));

    /**
     * Frames the capture of one interface without the bundle's {@code conntrack -L} fails where the whole capture
     * (with it) does not, and why (each listed with its reason), e.g. the node's connection to 172.18.0.1:8080 that nat
     * OUTPUT redirected to 127.0.0.1:15002 crosses only lo, which holds only its redirected copy; only the dump tells
     * where it was sent.
     */
    private static final Map<String, List<Long>> ONLY_THE_DUMP_TELLS = Map.of(
            "redirect-proxy 1", List.of(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L),
            // web's port alone shows the SYNs to web only leaving it (a frame leaving a bridge port is not rebuilt as
            // it arrived), so web's SYN-ACKs meet no connection and netavark's `ct state invalid drop` drops them;
            // conntrack -L holds the connections
            "podman-netavark 4", List.of(4L, 14L, 24L, 48L),
            // the bridges' copies of docker-nftables-hairpin's connections through web's and app's ports carry the NAT
            // br_netfilter's PREROUTING did on the port (ONLY_ELSEWHERE): with or without the dump, the bridge alone
            // replays them as new packets to the containers' addresses, which DROP DIRECT ACCESS drops
            "docker-nftables-hairpin 3", List.of(27L, 30L, 31L, 33L, 35L),
            "docker-nftables-hairpin 4", List.of(3L, 5L, 6L, 9L, 11L),
            // the same for docker-nftables-unprotected's bridge: web's replies to app's masqueraded connection, as the
            // bridge holds them (to 172.17.0.2), replayed as new packets to app's address, which DROP DIRECT ACCESS drops
            "docker-nftables-unprotected 4", List.of(54L, 57L, 58L, 60L, 62L));

    /**
     * Frames the capture of one interface leaves out (not replayed) where the whole capture ties them to a packet replayed
     * from a frame on another interface, and why: bridge-hairpin's br-hp holds b's SYNs after their DNAT, sent through
     * the bridge device's neighbour output by br_netfilter's bridged DNAT and then dropped by the bridge (hairpin off),
     * whose SYNs are on b's port only; a packet leaving br-hp for a host behind br-hp is not rebuilt as it arrived.
     * cni-hostport's cni0 holds web's answers to cli's connection to the hostPort after br_netfilter's PREROUTING on
     * web's port un-masqueraded them to cli, sent through cni0's neighbour output by the bridged DNAT before FORWARD and
     * POSTROUTING; web's port alone shows them arriving. cni-hostport-dual's cni0 holds the same for cli's IPv6
     * connection to the hostPort (the neighbour entry of cli's IPv6 address not connected either). cni-hostport-nft6's
     * web port holds cli's neighbour advertisement answering web's solicitation, bridged from cli's port, where the whole
     * capture replays it; web's port alone shows it only leaving. The pods' neighbour solicitations the bridge flooded:
     * each port holds the copy of the other pod's solicitation leaving it, which the whole capture ties to the flood
     * replayed from the other port's frame (cni-hostport-dual: web's port frame 52, cli's frame 3; cni-hostport-nft6:
     * web's 66, cli's 2 and 7); a port alone shows it only leaving. brf-bridge-filter's ports (a 4, b 5, c 6): each
     * frame the bridge forwarded from another port to this one, which the whole capture ties to its replay from the
     * port it arrived on (as a bridged frame, through the bridge chains), and on b's port the uplink's packets the node
     * routed to b (frames 32 to 40), tied to their replay from eth0; a port alone shows them only leaving.
     * brg-bridge-v6's ports (a 3, b 4, c 5) the same (IPv6 and IPv4 frames, the flooded solicitations' copies
     * included), and its br-pkp (2) a's SYN to the service after br_netfilter's bridged DNAT to b (frame 14), sent
     * through br-pkp's neighbour output, as cni-hostport's, tied to its replay from a's port.
     */
    private static final Map<String, List<Long>> TIED_ELSEWHERE = Map.ofEntries(
            Map.entry("bridge-hairpin 3", List.of(15L, 16L, 17L)),
            Map.entry("cni-hostport 3", List.of(55L, 56L, 57L, 58L)),
            Map.entry("cni-hostport-dual 3", List.of(33L, 34L, 35L, 36L, 37L)),
            Map.entry("cni-hostport-dual 4", List.of(52L)),
            Map.entry("cni-hostport-dual 5", List.of(3L)),
            Map.entry("cni-hostport-nft6 4", List.of(66L, 70L)),
            Map.entry("cni-hostport-nft6 5", List.of(2L, 7L)),
            Map.entry("brf-bridge-filter 4", List.of(4L, 7L, 8L, 10L, 12L, 18L)),
            Map.entry("brf-bridge-filter 5", List.of(3L, 5L, 6L, 9L, 11L, 17L, 27L, 32L, 34L, 35L, 38L, 40L)),
            Map.entry("brf-bridge-filter 6", List.of(4L, 9L, 13L)),
            Map.entry("brg-bridge-v6 2", List.of(14L)),
            Map.entry("brg-bridge-v6 3", List.of(2L, 16L, 19L, 25L)),
            Map.entry("brg-bridge-v6 4", List.of(1L, 3L, 5L, 6L, 13L, 14L, 18L)),
            Map.entry("brg-bridge-v6 5", List.of(1L, 2L, 4L, 7L, 9L, 11L, 12L)));

    @TempDir
    static Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.pktpath.samples.RecordedBundles#all")
    void eachInterfaceAloneReplaysAsTheWholeCapture(Path bundleDir) throws IOException {
        Path capture = bundleDir.resolve("capture.pcap");
        Bundle bundle = BundleLoader.loadDirectory(bundleDir);
        List<PacketTrace> whole = CaptureReplays.replay(bundle, capture);
        Map<String, PacketTrace> byKey = new HashMap<>();
        Map<Long, PacketTrace> byFrame = new HashMap<>();
        for (PacketTrace t : whole) {
            byKey.put(CaptureReplays.twinKey(t), t);
            byFrame.put(t.packet().frame(), t);
        }
        String name = bundleDir.getFileName().toString();
        Map<String, List<Long>> differing = new TreeMap<>();
        Map<String, List<Long>> tiedElsewhere = new TreeMap<>();
        int compared = 0;
        for (int ifindex : OneInterface.interfaces(capture)) {
            Path one = dir.resolve(name + "-" + ifindex + ".pcap");
            OneInterface.keep(capture, one, ifindex);
            for (PacketTrace t : CaptureReplays.replay(bundle, one)) {
                String frame = name + " interface " + ifindex + " frame " + t.packet().frame() + ": " + t.reason();
                PacketTrace w = byKey.get(CaptureReplays.twinKey(t));
                assertTrue(w != null, frame + ": not in the whole capture");
                if (w.role() == FrameRole.NOT_REPLAYED && !w.correlated().isEmpty()
                        && t.role() != FrameRole.NOT_REPLAYED) {
                    // a bridge port's frame: the whole capture replays the bridge's copy of it
                    w = byFrame.get(w.correlated().get(0));
                }
                if (t.role() == FrameRole.NOT_REPLAYED) {
                    if (w.role() == FrameRole.EGRESS_COPY && w.correlated().size() == 1
                            && !byFrame.get(w.correlated().get(0)).packet().iface().equals(t.packet().iface())) {
                        tiedElsewhere.computeIfAbsent(name + " " + ifindex, k -> new ArrayList<>()).add(t.packet().frame());
                        continue;
                    }
                    assertEquals(FrameRole.NOT_REPLAYED, w.role(), frame + ": left out, replayed in the whole capture");
                    continue;
                }
                compared++;
                if (w.disposition() != t.disposition() || !w.nat().equals(t.nat())) {
                    differing.computeIfAbsent(name + " " + ifindex, k -> new ArrayList<>()).add(t.packet().frame());
                }
            }
        }
        Map<String, List<Long>> expected = new TreeMap<>();
        ONLY_ELSEWHERE.forEach((k, v) -> {
            if (k.startsWith(name + " ")) {
                expected.put(k, v);
            }
        });
        assertEquals(expected, differing, name + ": frames whose fate or NAT differ from the whole capture's");
        Map<String, List<Long>> expectedTied = new TreeMap<>();
        TIED_ELSEWHERE.forEach((k, v) -> {
            if (k.startsWith(name + " ")) {
                expectedTied.put(k, v);
            }
        });
        assertEquals(expectedTied, tiedElsewhere, name + ": frames left out alone, tied to another interface's whole");
        assertTrue(compared > 0 || whole.stream().allMatch(t -> t.role() == FrameRole.NOT_REPLAYED), name);
    }

    /**
     * The uplink captured by {@code tcpdump -i eth0} in the same recording (Ethernet frames: no interface, no direction,
     * which the node's MAC addresses give): every frame gets the direction, fate and NAT the replay of the capture of
     * every interface gives its twin there, a masquerade port the kernel chose included (from the bundle's
     * {@code conntrack -L}).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("uplinkCapture")
    void anEthernetCaptureOfTheUplinkReplaysAsTheWholeCapture(Path bundleDir) throws IOException {
        Bundle bundle = BundleLoader.loadDirectory(bundleDir);
        List<PacketTrace> whole = CaptureReplays.replay(bundle, bundleDir.resolve("capture.pcap")).stream()
                .filter(t -> t.packet().iface().equals("eth0")).toList();
        List<PacketTrace> uplink = CaptureReplays.replay(bundle, bundleDir.resolve("eth0.pcap"));
        assertEquals(whole.size(), uplink.size(), "eth0's frames in both captures");
        int nat = 0;
        for (int i = 0; i < whole.size(); i++) {
            PacketTrace w = whole.get(i);
            PacketTrace t = uplink.get(i);
            String frame = "eth0.pcap frame " + t.packet().frame() + " (capture.pcap frame " + w.packet().frame() + "): "
                    + t.reason() + " " + t.notes();
            assertEquals(w.packet().info(), t.packet().info(), frame);
            assertEquals(w.disposition(), t.disposition(), frame);
            if (w.role() == FrameRole.NOT_REPLAYED) {
                assertEquals(FrameRole.NOT_REPLAYED, t.role(), frame);
                continue;
            }
            assertEquals(w.packet().dir(), t.packet().dir(), frame);
            PacketTrace decided = w.role() == FrameRole.EGRESS_COPY ? whole.stream().filter(x -> x.correlated()
                    .contains(w.packet().frame())).findFirst().orElse(w) : w;
            assertEquals(decided.nat(), t.nat(), frame);
            nat += t.nat().isPresent() ? 1 : 0;
        }
        assertTrue(nat > 30, nat + " NAT'd frames");
        // the masquerade ports the kernel chose: from the egress copies in the whole capture, from conntrack -L here,
        // and no note says the replay showed its own guess in their place
        List<String> wholeNotes = whole.stream().flatMap(t -> t.notes().stream()).toList();
        List<String> uplinkNotes = uplink.stream().flatMap(t -> t.notes().stream()).toList();
        assertTrue(wholeNotes.stream().anyMatch(n -> n.endsWith("; the port the capture shows")), wholeNotes.toString());
        assertTrue(uplinkNotes.stream().anyMatch(n -> n.endsWith("; the port the bundle's conntrack -L shows")),
                uplinkNotes.toString());
        assertTrue(java.util.stream.Stream.concat(wholeNotes.stream(), uplinkNotes.stream())
                .noneMatch(n -> n.contains(io.pktpath.core.conntrack.NatBinding.SHOWN_AS)));
    }

    static List<Path> uplinkCapture() {
        return List.of(RecordedBundles.bundlesDir().resolve("uplink-capture"));
    }

    /**
     * Without the bundle's {@code conntrack -L}, a request seen only leaving the docker bridge towards a container was
     * DNAT'd by docker's rule for a published port, which names no destination address (any local one): its address
     * before is unknown, so it is not rebuilt, and not taken as having crossed the node unchanged either.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dockerPublish")
    void aPacketSomeDnatRuleMayHaveRewrittenIsNotRebuiltUnchanged(Path bundleDir) throws IOException {
        Path copy = dir.resolve("docker-publish-without-conntrack");
        Files.createDirectories(copy);
        try (var files = Files.list(bundleDir)) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().startsWith("conntrack-L")) {
                    Files.copy(f, copy.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Path bridgeOnly = dir.resolve("docker-publish-bridge.pcap");
        OneInterface.keep(copy.resolve("capture.pcap"), bridgeOnly, 3);
        List<PacketTrace> toContainer = CaptureReplays.replay(BundleLoader.loadDirectory(copy), bridgeOnly).stream()
                .filter(t -> t.packet().dir().equals("out") && t.packet().dport() == 80
                        // the node's own connections to its published port are sent by it (nat OUTPUT's DNAT)
                        && !t.packet().src().orElseThrow().toString().equals(NODE_ADDRESS)).toList();
        assertFalse(toContainer.isEmpty());
        for (PacketTrace t : toContainer) {
            assertEquals(FrameRole.NOT_REPLAYED, t.role(), "frame " + t.packet().frame() + ": " + t.reason() + " "
                    + t.notes());
        }
    }

    /**
     * A frame on a bridge port stays on the bridge for another address of the bridge's segment, or a broadcast or
     * multicast one (the bridge floods those to every port); it goes to the bridge's IP stack for a node address or
     * one routed out another device.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dockerPublish")
    void aFrameOnABridgePortStaysOnTheBridgeOnlyForItsSegment(Path bundleDir) throws Exception {
        Bundle bundle = BundleLoader.loadDirectory(bundleDir);
        io.pktpath.core.replay.KernelNodePath node = new io.pktpath.core.replay.KernelNodePath(
                io.pktpath.core.replay.NodeInputs.of(Analyzer.network(bundle), bundle.rulesetV4(), bundle.rulesetV6(),
                        io.pktpath.core.conntrack.CtTimeouts.from(bundle.sysctls())));
        Map<String, Boolean> stays = new TreeMap<>();
        for (String dst : List.of("172.17.0.3", "255.255.255.255", "224.0.0.251", NODE_ADDRESS, "172.17.0.1",
                "172.18.0.1")) {
            io.pktpath.core.engine.Packet p = io.pktpath.core.engine.Packet.synthetic(io.pktpath.parser.net.IpFamily.V4,
                    17, io.pktpath.parser.net.IpAddress.parse("172.17.0.2"), 5353,
                    io.pktpath.parser.net.IpAddress.parse(dst), 5353, "br-pkp", false);
            stays.put(dst, node.staysOnBridge(p, "br-pkp"));
        }
        assertEquals(new TreeMap<>(Map.of("172.17.0.3", true, "255.255.255.255", true, "224.0.0.251", true,
                NODE_ADDRESS, false, "172.17.0.1", false, "172.18.0.1", false)), stays);
    }

    /** docker-publish's node address on eth0 (its README). */
    private static final String NODE_ADDRESS = "172.18.0.2";

    static List<Path> dockerPublish() {
        return List.of(RecordedBundles.bundlesDir().resolve("docker-publish"));
    }

    /**
     * Without the bundle's {@code conntrack -L}, what only it told is guessed or left out, but never turned into a
     * failure: no frame of an interface alone fails (drop, reject, INVALID...) where the whole capture, with the dump,
     * does not. (An ETP Local NodePort's request seen only leaving the endpoint's veth, rebuilt towards the service's
     * cluster IP, the only destination its DNAT rules name, was masqueraded by the replay as traffic from outside to a
     * cluster IP is, left unlike the frame, and the endpoint's replies became INVALID drops; such a guess now stands only
     * when its replay leaves as the frame.)
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.pktpath.samples.RecordedBundles#all")
    void withoutConntrackDumpNoInterfaceAloneFailsWhereTheWholeCaptureDoesNot(Path bundleDir) throws IOException {
        String name = bundleDir.getFileName().toString();
        Path copy = dir.resolve(name + "-without-conntrack");
        Files.createDirectories(copy);
        try (var files = Files.list(bundleDir)) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().startsWith("conntrack-L")) {
                    Files.copy(f, copy.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Map<String, PacketTrace> whole = new HashMap<>();
        Map<Long, PacketTrace> byFrame = new HashMap<>();
        for (PacketTrace t : CaptureReplays.replay(BundleLoader.loadDirectory(bundleDir), bundleDir.resolve("capture.pcap"))) {
            whole.put(CaptureReplays.twinKey(t), t);
            byFrame.put(t.packet().frame(), t);
        }
        Bundle withoutDump = BundleLoader.loadDirectory(copy);
        Map<String, List<Long>> failing = new TreeMap<>();
        for (int ifindex : OneInterface.interfaces(copy.resolve("capture.pcap"))) {
            Path one = dir.resolve(name + "-without-conntrack-" + ifindex + ".pcap");
            OneInterface.keep(copy.resolve("capture.pcap"), one, ifindex);
            for (PacketTrace t : CaptureReplays.replay(withoutDump, one)) {
                PacketTrace w = whole.get(CaptureReplays.twinKey(t));
                if (w.role() == FrameRole.NOT_REPLAYED && !w.correlated().isEmpty()) {
                    // a bridge port's frame: the whole capture replays the bridge's copy of it
                    w = byFrame.get(w.correlated().get(0));
                }
                if (t.disposition().isFailure() && !w.disposition().isFailure()) {
                    failing.computeIfAbsent(name + " " + ifindex, k -> new ArrayList<>()).add(t.packet().frame());
                }
            }
        }
        Map<String, List<Long>> expected = new TreeMap<>();
        ONLY_THE_DUMP_TELLS.forEach((k, v) -> {
            if (k.startsWith(name + " ")) {
                expected.put(k, v);
            }
        });
        assertEquals(expected, failing, name + ": frames an interface alone without conntrack -L fails");
    }
}
