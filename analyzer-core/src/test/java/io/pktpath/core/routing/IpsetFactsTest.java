package io.pktpath.core.routing;

import static io.pktpath.core.routing.TestNodes.received;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.engine.Packet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code -m set} lookups of packets as the kernel makes them (net/netfilter/ipset), on the sets of the ipset-calico
 * recording (samples/bundles/ipset-calico/ipset-save.txt) and IPv6 twins.
 */
class IpsetFactsTest {
    private static final String IPSETS = """
            create pkp-allow hash:ip,port family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x610fa722
            add pkp-allow 10.244.1.3,icmp:echo-request
            add pkp-allow 10.244.1.3,tcp:8080
            add pkp-allow 10.244.1.3,gre:0
            add pkp-allow 10.244.1.3,icmp:timestamp-request
            add pkp-allow 10.244.1.3,dccp:0
            create pkp-allow6 hash:ip,port family inet6 hashsize 1024 maxelem 65536
            add pkp-allow6 fd00::3,ipv6-icmp:echo-request
            add pkp-allow6 fd00::3,gre:0
            create pkp-webports bitmap:port range 0-9999
            add pkp-webports 53
            add pkp-webports 2048
            add pkp-webports 8080
            add pkp-webports 8081
            create pkp-pod-ifaces hash:net,iface family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x40a9c4f9
            add pkp-pod-ifaces 10.244.0.0/16,cali wildcard
            create pkp-out-ifaces hash:net,iface family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x18c0ae5b
            add pkp-out-ifaces 10.244.0.0/16,eth0
            create pkp-ban24 hash:ip family inet hashsize 1024 maxelem 65536 netmask 24 timeout 600 bucketsize 12 initval 0x2939afed
            add pkp-ban24 172.18.6.0 timeout 586
            create pkp-block hash:net family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0xdb9e0501
            add pkp-block 172.18.5.0/24
            add pkp-block 172.18.5.7 nomatch
            create pkp-blocklists list:set size 8
            add pkp-blocklists pkp-block
            add pkp-blocklists pkp-ban24
            """;
    private static final NodeNetwork NODE = TestNodes.r1().ipset(IPSETS).build();
    private static final List<String> DST_DST = List.of("dst", "dst");

    /** {@code -m set --match-set NAME DIRECTIONS} without {@code --return-nomatch}. */
    private static Optional<Boolean> lookup(String set, List<String> directions, Packet p) {
        return NODE.ipsetContains(set, directions, false, p);
    }

    private static Optional<Boolean> lookup(String set, List<String> directions, boolean returnNomatch, Packet p) {
        return NODE.ipsetContains(set, directions, returnNomatch, p);
    }

    private static Packet from(String src, String dst, int proto, int sport, int dport) {
        return received(src, dst, "cali62608e08adc", proto, sport, dport);
    }

    @Test
    void portlessProtocolsAndIcmpv6AreLookedUpByProtocolNumber() {
        assertEquals(Optional.of(true), lookup("pkp-allow", DST_DST, from("10.244.1.2", "10.244.1.3", 47, 0, 0)),
                "GRE, saved as gre:0 (frame 66)");
        assertEquals(Optional.of(false), lookup("pkp-allow", DST_DST, from("10.244.1.2", "10.244.1.3", 50, 0, 0)), "ESP");
        assertEquals(Optional.of(true), lookup("pkp-allow", DST_DST,
                from("10.244.1.2", "10.244.1.3", Packet.ICMP, 4401, 0)), "echo request (frame 58)");
        assertEquals(Optional.of(true), lookup("pkp-allow", DST_DST,
                from("10.244.1.2", "10.244.1.3", Packet.ICMP, 4402, 0).withIcmpType(13)), "timestamp request (frame 62)");
        assertEquals(Optional.of(true), lookup("pkp-allow6", DST_DST,
                from("fd00::2", "fd00::3", Packet.ICMPV6, 7, 0)), "ICMPv6 echo request, saved as ipv6-icmp:echo-request");
        assertEquals(Optional.of(true), lookup("pkp-allow6", DST_DST, from("fd00::2", "fd00::3", 47, 0, 0)));
        assertEquals(Optional.of(true), lookup("pkp-allow", DST_DST,
                from("10.244.1.2", "10.244.1.3", 33, 40000, 5004)), "ipset reads no DCCP ports: dccp:0");
    }

    @Test
    void bitmapPortLooksUpTcpAndUdpPortsOnly() {
        List<String> dst = List.of("dst");
        assertEquals(Optional.of(true), lookup("pkp-webports", dst,
                from("10.244.1.2", "10.244.1.3", Packet.TCP, 42003, 8080)), "SYN to 8080 (frame 29)");
        assertEquals(Optional.of(true), lookup("pkp-webports", dst,
                from("10.244.1.2", "10.244.1.3", Packet.UDP, 42005, 8080)), "UDP to 8080 (frame 57)");
        assertEquals(Optional.of(false), lookup("pkp-webports", dst,
                from("10.244.1.2", "10.244.1.3", Packet.ICMP, 4401, 0)), "echo request, 8<<8|0 = 2048 (frame 58)");
        assertEquals(Optional.of(false), lookup("pkp-webports", dst,
                from("10.244.1.2", "10.244.1.3", Packet.SCTP, 40000, 8081)), "SCTP");
    }

    @Test
    void interfacesComeFromTheInOrOutDeviceAndWildcardsMatchByPrefix() {
        Packet syn = from("10.244.1.2", "10.244.1.3", Packet.TCP, 42004, 9090);
        assertEquals(Optional.of(true), lookup("pkp-pod-ifaces", List.of("src", "src"), syn),
                "in on cali62608e08adc, entry cali wildcard (frame 55)");
        assertEquals(Optional.of(false), lookup("pkp-pod-ifaces", List.of("src", "src"),
                received("10.244.1.2", "10.244.1.3", "eth0", Packet.TCP, 42004, 9090)));
        assertEquals(Optional.of(false), lookup("pkp-pod-ifaces", List.of("src", "dst"), syn),
                "no output device yet: the kernel finds no name to look up");
        Packet egress = from("10.244.1.2", "172.18.0.1", Packet.TCP, 42001, 9000).withOutIface("eth0");
        assertEquals(Optional.of(true), lookup("pkp-out-ifaces", List.of("src", "dst"), egress),
                "source address, out interface (frame 3)");
        assertEquals(Optional.of(false), lookup("pkp-out-ifaces", List.of("src", "src"), egress));
        assertEquals(Optional.of(false), lookup("pkp-out-ifaces", List.of("src", "dst"),
                syn.withOutIface("calie694aa37abf")));
    }

    @Test
    void aNetmaskedSetHoldsEveryAddressOfTheNetwork() {
        assertEquals(Optional.of(true), lookup("pkp-ban24", List.of("dst"),
                from("10.244.1.2", "172.18.6.5", Packet.TCP, 42010, 9000)), "SYN to 172.18.6.5 (frame 118)");
        assertEquals(Optional.of(false), lookup("pkp-ban24", List.of("dst"),
                from("10.244.1.2", "172.18.5.9", Packet.TCP, 42008, 9000)));
    }

    @Test
    void returnNomatchMatchesTheNomatchEntryAndNotTheMembers() {
        Packet toMember = from("10.244.1.2", "172.18.5.9", Packet.TCP, 42008, 9000);
        Packet toNomatch = from("10.244.1.2", "172.18.5.7", Packet.TCP, 42009, 9000);
        List<String> dst = List.of("dst");
        assertEquals(Optional.of(false), lookup("pkp-block", dst, true, toMember), "frame 96");
        assertEquals(Optional.of(true), lookup("pkp-block", dst, true, toNomatch), "frame 98");
        assertEquals(Optional.of(true), lookup("pkp-blocklists", dst, toMember), "frame 96: REJECT");
        assertEquals(Optional.of(false), lookup("pkp-blocklists", dst, toNomatch), "frame 98 passes");
        assertEquals(Optional.of(true), lookup("pkp-blocklists", List.of("dst"),
                from("10.244.1.2", "172.18.6.5", Packet.TCP, 42010, 9000)), "frame 118, through pkp-ban24");
    }

    @Test
    void laterFragmentsOfProtocolsWithPortsHaveNone() {
        Packet syn = from("10.244.1.2", "10.244.1.3", Packet.TCP, 40000, 8080);
        assertEquals(Optional.of(true), lookup("pkp-allow", DST_DST, syn));
        assertEquals(Optional.of(false), lookup("pkp-allow", DST_DST, laterFragment(syn)));
        Packet gre = from("10.244.1.2", "10.244.1.3", 47, 0, 0);
        assertEquals(Optional.of(true), lookup("pkp-allow", DST_DST, laterFragment(gre)),
                "IPv4 protocols without ports match in every fragment");
        assertEquals(Optional.of(false), lookup("pkp-allow6", DST_DST,
                laterFragment(from("fd00::2", "fd00::3", 47, 0, 0))), "no later IPv6 fragment does");
    }

    private static Packet laterFragment(Packet p) {
        return new Packet(p.frame(), p.timeNanos(), p.family(), p.proto(), p.src(), p.dst(), p.sport(), p.dport(),
                p.tcpFlags(), p.seq(), p.ack(), p.payloadLength(), p.ipId(), p.length(), p.ttl(), p.icmpType(),
                p.icmpCode(), p.icmpId(), p.quoted(), true, false, false, p.linkClass(), p.macSource(), p.inIface(),
                p.outIface(), p.physIn(), p.physOut(), p.bridged(), p.mark(), p.locallyGenerated());
    }
}
