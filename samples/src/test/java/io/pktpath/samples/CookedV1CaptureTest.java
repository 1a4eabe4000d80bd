package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A {@code tcpdump -i any} capture written by tcpdump before 4.99 (Linux cooked v1: direction, no interface; Ubuntu
 * 20.04, RHEL 8), made from each kernel recording by dropping the interface index: a frame the node's MAC addresses do
 * not place is taken on the device of the route back to its source (received) or to its destination (sent), and every
 * frame gets the role, fate and NAT of the same frame in the recording, but in the recordings where the interface
 * cannot be told from the addresses (listed below).
 */
class CookedV1CaptureTest {
    /**
     * Recordings whose interfaces the addresses cannot give: a bridge's port and the bridge carry the same frame
     * (bridge-nf-off, bridge-nf-on, docker-publish, podman-netavark, docker-nftables, docker-nftables-hairpin,
     * docker-nftables-ipv6, docker-nftables-routed-internal, docker-nftables-loopback, docker-nftables-icc,
     * docker-nftables-unprotected, docker-nftables-hostip, docker-nftables-proxy, bridge-hairpin, cni-hostport,
     * cni-hostport-nft, cni-hostport-dual, cni-hostport-nft6, brf-bridge-filter and brg-bridge-v6, whose bridge rules
     * name the ports and whose bridged frames are only on the ports); a spoofed source whose route back is another device (what
     * rp-filter-drop and nft-native-raw's reverse-path drop are about); a next hop that never answered, known only by the missing copy on eth0, which no IP
     * frame names (neigh-failed); an ARP duplicate address probe, whose sender 0.0.0.0 names no address to route back to
     * (arp-proxy-ignore).
     */
    private static final Set<String> ADDRESSES_CANNOT_TELL = Set.of("bridge-nf-off", "bridge-nf-on", "docker-publish", "podman-netavark",
            "docker-nftables", "docker-nftables-hairpin", "docker-nftables-ipv6", "docker-nftables-routed-internal",
            "docker-nftables-loopback", "docker-nftables-icc", "docker-nftables-unprotected", "docker-nftables-hostip",
            "docker-nftables-proxy",
            "bridge-hairpin", "cni-hostport", "cni-hostport-nft", "cni-hostport-dual", "cni-hostport-nft6",
            "rp-filter-drop", "nft-native-raw", "neigh-failed", "brf-bridge-filter", "brg-bridge-v6",
            "arp-proxy-ignore");

    @TempDir
    static Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.pktpath.samples.RecordedBundles#all")
    void everyFrameIsReplayedAsWithItsInterface(Path bundleDir) throws IOException {
        String name = bundleDir.getFileName().toString();
        Bundle bundle = BundleLoader.loadDirectory(bundleDir);
        List<PacketTrace> whole = CaptureReplays.replay(bundle, bundleDir.resolve("capture.pcap"));
        Path v1 = dir.resolve(name + "-sll1.pcap");
        toCookedV1(bundleDir.resolve("capture.pcap"), v1);
        List<PacketTrace> cooked = CaptureReplays.replay(bundle, v1);
        assertEquals(whole.size(), cooked.size());
        int differing = 0;
        String first = "";
        for (int i = 0; i < whole.size(); i++) {
            PacketTrace w = whole.get(i);
            PacketTrace t = cooked.get(i);
            if (w.role() != t.role() || w.disposition() != t.disposition() || !w.nat().equals(t.nat())) {
                differing++;
                first = first.isEmpty() ? "frame " + t.packet().frame() + " on " + t.packet().iface() + ": " + t.reason()
                        + " " + t.notes() + "; with its interface: " + w.reason() : first;
            }
        }
        if (ADDRESSES_CANNOT_TELL.contains(name)) {
            assertTrue(differing > 0, name + ": listed, but every frame agrees");
        } else {
            assertEquals(0, differing, name + ": " + first);
        }
    }

    /** Rewrites a little-endian Linux cooked v2 pcap as cooked v1, which has no interface index. */
    private static void toCookedV1(Path from, Path to) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(from)).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer be = ByteBuffer.wrap(in.array()).order(ByteOrder.BIG_ENDIAN);
        ByteBuffer out = ByteBuffer.allocate(in.limit()).order(ByteOrder.LITTLE_ENDIAN);
        out.put(in.array(), 0, 24);
        out.putInt(20, 113);
        for (int at = 24; at + 16 <= in.limit(); ) {
            int captured = in.getInt(at + 8);
            int header = at + 16;
            out.putInt(in.getInt(at)).putInt(in.getInt(at + 4)).putInt(captured - 4).putInt(in.getInt(at + 12) - 4);
            out.order(ByteOrder.BIG_ENDIAN);
            // v2: protocol, reserved, ifindex, hatype, packet type, address length, address; v1: packet type, hatype,
            // address length, address, protocol
            out.putShort((short) (in.get(header + 10) & 0xff)).putShort(be.getShort(header + 8))
                    .putShort((short) (in.get(header + 11) & 0xff)).put(in.array(), header + 12, 8)
                    .putShort(be.getShort(header));
            out.order(ByteOrder.LITTLE_ENDIAN);
            out.put(in.array(), header + 20, captured - 20);
            at += 16 + captured;
        }
        Files.write(to, java.util.Arrays.copyOf(out.array(), out.position()));
    }
}
