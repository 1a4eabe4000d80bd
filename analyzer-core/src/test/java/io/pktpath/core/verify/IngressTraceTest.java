package io.pktpath.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The kernel's trace of ingress chains, as recorded in samples/bundles/nft-ingress: xtables-monitor's netdev lines
 * (family 5, the network header as signed hex) join the packet's later lines, a packet dropped at lo's ingress joins its
 * output pass, and nft monitor trace's netdev lines become family-5 lines; and as recorded in
 * samples/bundles/nft-ingress6: a non-first IPv6 fragment's raw header, and the reassembled datagram traced on under the
 * id of the fragment that completed it.
 */
class IngressTraceTest {
    /** A SYN through the inet (family 1) and netdev (family 5) ingress chains, raw and filter INPUT. */
    private static final String PASSED = """
            PACKET: 1 f945b82c IN=eth0 NFPROTO=2 MACSRC=ba:aa:b5:23:42:3 MACDST=16:c9:80:84:6b:6d MACPROTO=0800 SRC=172.18.0.1 DST=172.18.0.2 LEN=60 TOS=0x0 TTL=64 ID=15752 DF SPORT=44000 DPORT=8081 SYN\s
             TRACE: 1 f945b82c pkp_ig:ing:rule:0x2:CONTINUE \s
             TRACE: 1 f945b82c pkp_ig:ing:policy:ACCEPT\s
            PACKET: 5 f945b82c IN=eth0 MACSRC=ba:aa:b5:23:42:3 MACDST=16:c9:80:84:6b:6d MACPROTO=0800 NH=4500003c3dffffff8840004006ffffffa50cffffffac120001ffffffac120002\s
             TRACE: 5 f945b82c pkp_nd:ing:rule:0x4:CONTINUE \s
             TRACE: 5 f945b82c pkp_nd:ing:policy:ACCEPT\s
            PACKET: 2 f945b82c IN=eth0 MACSRC=ba:aa:b5:23:42:3 MACDST=16:c9:80:84:6b:6d MACPROTO=0800 SRC=172.18.0.1 DST=172.18.0.2 LEN=60 TOS=0x0 TTL=64 ID=15752 DF SPORT=44000 DPORT=8081 SYN\s
             TRACE: 2 f945b82c raw:PREROUTING:rule:0x2:CONTINUE  -4 -t raw -A PREROUTING -j TRACE
             TRACE: 2 f945b82c raw:PREROUTING:policy:ACCEPT\s
            PACKET: 2 f945b82c IN=eth0 MACSRC=ba:aa:b5:23:42:3 MACDST=16:c9:80:84:6b:6d MACPROTO=0800 SRC=172.18.0.1 DST=172.18.0.2 LEN=60 TOS=0x0 TTL=64 ID=15752 DF SPORT=44000 DPORT=8081 SYN\s
             TRACE: 2 f945b82c filter:INPUT:policy:ACCEPT\s
            """;
    /** The node's SYN to itself: its output pass, then lo's netdev ingress chain dropping it. */
    private static final String LOOPED_DROP = """
            PACKET: 2 16326f8b OUT=lo SRC=172.18.0.2 DST=172.18.0.2 LEN=60 TOS=0x0 TTL=64 ID=17458 DF SPORT=46023 DPORT=23 SYN\s
             TRACE: 2 16326f8b raw:OUTPUT:rule:0x4:CONTINUE  -4 -t raw -A OUTPUT -j TRACE
             TRACE: 2 16326f8b raw:OUTPUT:policy:ACCEPT\s
            PACKET: 2 16326f8b OUT=lo SRC=172.18.0.2 DST=172.18.0.2 LEN=60 TOS=0x0 TTL=64 ID=17458 DF SPORT=46023 DPORT=23 SYN\s
             TRACE: 2 16326f8b filter:OUTPUT:policy:ACCEPT\s
            PACKET: 5 5f54bcc0 IN=lo LOOPBACK NH=4500003c443240004006ffffff9e61ffffffac120002ffffffac120002\s
             TRACE: 5 5f54bcc0 pkp_nd:ing:rule:0x2:DROP \s
            """;

    @Test
    void theNetworkHeaderOfANetdevLineGivesItsAddressesLengthAndId() {
        KernelPacketHeader h = KernelTraceParser.parse("trace.txt", LOOPED_DROP).value().get(0).headers().get(2);
        assertEquals(Optional.of("172.18.0.2"), h.field("SRC"));
        assertEquals(Optional.of("172.18.0.2"), h.field("DST"));
        assertEquals(Optional.of("60"), h.field("LEN"));
        assertEquals(Optional.of("17458"), h.field("ID"));
    }

    @Test
    void theIngressChainsLinesAreThePacketsFirstStepsInOrder() {
        List<KernelPacket> packets = KernelTraceParser.parse("trace.txt", PASSED).value();
        assertEquals(1, packets.size(), packets.toString());
        assertEquals(List.of("inet pkp_ig:ing", "inet pkp_ig:ing", "netdev pkp_nd:ing", "netdev pkp_nd:ing",
                "raw:PREROUTING", "raw:PREROUTING", "filter:INPUT"), packets.get(0).steps().stream()
                .map(s -> s.table() + ":" + s.chain()).toList());
        // the same id again, after the packet left: another packet
        List<KernelPacket> twice = KernelTraceParser.parse("trace.txt", PASSED + PASSED.replace("ID=15752", "ID=15753")
                .replace("3c3dffffff88", "3c3dffffff89")).value();
        assertEquals(2, twice.size(), twice.toString());
    }

    @Test
    void aLoopedPacketDroppedAtLosIngressJoinsItsOutputPass() {
        List<KernelPacket> packets = KernelTraceParser.parse("trace.txt", LOOPED_DROP).value();
        assertEquals(1, packets.size(), packets.toString());
        KernelStep last = packets.get(0).steps().get(packets.get(0).steps().size() - 1);
        assertEquals("netdev pkp_nd", last.table());
        assertTrue(last.drops());
    }

    @Test
    void nftMonitorTracesNetdevLinesBecomeFamily5Lines() {
        String nft = """
                trace id e0d770e0 netdev pkp_nd ing packet: iif "eth0" ether saddr 26:e0:41:8c:fa:af ether daddr a6:22:05:93:e4:b7 ip saddr 172.18.0.1 ip daddr 172.18.0.2 ip dscp cs0 ip ecn not-ect ip ttl 64 ip id 62885 ip protocol tcp ip length 60 tcp sport 44000 tcp dport 8081 tcp flags == syn tcp window 64240\s
                trace id e0d770e0 netdev pkp_nd ing rule tcp dport 23 counter packets 0 bytes 0 drop (verdict drop)
                """;
        String converted = NftTraceConverter.convert(nft, "", Optional.empty(), "ip");
        assertEquals("""
                PACKET: 5 e0d770e0 IN=eth0 SRC=172.18.0.1 DST=172.18.0.2 ID=62885 LEN=60 PROTO=6 SPORT=44000 DPORT=8081 TCPFLAGS=syn
                 TRACE: 5 e0d770e0 pkp_nd:ing:rule:0x0:DROP  nft: tcp dport 23 drop
                """, converted);
        assertEquals(List.of(), NftTraceConverter.unreadLines("nft-trace.txt", nft));
    }

    /**
     * samples/bundles/nft-ingress6: the last fragment of a 3000-byte UDP datagram at the inet and netdev ingress chains
     * (nft decodes nothing of it: its raw IPv6 header), then the datagram nf_defrag reassembled, under the same id.
     */
    private static final String COMPLETING_FRAGMENT = """
            trace id 7679fdcf inet pkp_ig6 ing packet: iif "eth0" ether saddr e6:58:09:00:02:25 ether daddr c6:41:60:48:ee:c6 ether type ip6 @th,0,160 0x6008ec4900782c40fd0000180000000000000000\s
            trace id 7679fdcf inet pkp_ig6 ing rule meta nftrace set 1 (verdict continue)
            trace id 7679fdcf inet pkp_ig6 ing policy accept\s
            trace id 7679fdcf netdev pkp_nd6 ing packet: iif "eth0" ether saddr e6:58:09:00:02:25 ether daddr c6:41:60:48:ee:c6 ether type ip6 @th,0,160 0x6008ec4900782c40fd0000180000000000000000\s
            trace id 7679fdcf netdev pkp_nd6 ing policy accept\s
            trace id 7679fdcf ip6 raw PREROUTING packet: iif "eth0" ether saddr e6:58:09:00:02:25 ether daddr c6:41:60:48:ee:c6 ip6 saddr fd00:18::1 ip6 daddr fd00:18::2 ip6 dscp cs0 ip6 ecn not-ect ip6 hoplimit 64 ip6 flowlabel 584777 ip6 length 3008 udp sport 45300 udp dport 5300 udp length 3008 @th,64,96 0x626262626262626262626262\s
            trace id 7679fdcf ip6 raw PREROUTING policy accept\s
            """;

    @Test
    void aNonFirstIpv6FragmentsRawHeaderGivesItsLengthAndTheReassembledDatagramContinuesItsTrace() {
        String converted = NftTraceConverter.convert(COMPLETING_FRAGMENT, "", Optional.empty());
        assertTrue(converted.startsWith("PACKET: 1 7679fdcf NFPROTO=10 IN=eth0 LEN=140\n"), converted);
        assertTrue(converted.contains("PACKET: 5 7679fdcf IN=eth0 LEN=140\n"), converted);
        List<KernelPacket> packets = KernelTraceParser.parse("nft-trace.txt", converted).value();
        assertEquals(1, packets.size(), packets.toString());
        KernelPacket p = packets.get(0);
        // the fragment (IPv6 payload 120: xtables-monitor's convention adds 20) ties the packet; the datagram follows
        assertEquals(Optional.of("140"), p.first().field("LEN"));
        assertEquals(Optional.of("3028"), p.headers().get(p.headers().size() - 1).field("LEN"));
        assertEquals(List.of("inet pkp_ig6:ing", "inet pkp_ig6:ing", "netdev pkp_nd6:ing", "raw:PREROUTING"),
                p.steps().stream().map(s -> s.table() + ":" + s.chain()).toList());
        // a longer packet of another source under the same id is another packet
        List<KernelPacket> other = KernelTraceParser.parse("nft-trace.txt", NftTraceConverter.convert(
                COMPLETING_FRAGMENT.replace("ip6 saddr fd00:18::1", "ip6 saddr fd00:18::7")
                        .replace("ether type ip6 @th,0,160 0x6008ec4900782c40fd00001800000000",
                                "ip6 saddr fd00:18::1 ip6 daddr fd00:18::2 ip6 nexthdr ipv6-frag ip6 length 120 x"),
                "", Optional.empty())).value();
        assertEquals(2, other.size(), other.toString());
    }

    @Test
    void xtablesMonitorsNetdevLineOfANonFirstIpv6FragmentLeavesTraceTxtWithItsInetLine() {
        String trace = """
                PACKET: 1 7679fdcf IN=eth0 NFPROTO=10 MACSRC=e6:58:9:0:2:25 MACDST=c6:41:60:48:ee:c6 MACPROTO=86dd\s
                 TRACE: 1 7679fdcf pkp_ig6:ing:rule:0x2:CONTINUE \s
                 TRACE: 1 7679fdcf pkp_ig6:ing:policy:ACCEPT\s
                PACKET: 5 7679fdcf IN=eth0 MACSRC=e6:58:9:0:2:25 MACDST=c6:41:60:48:ee:c6 MACPROTO=86dd\s
                 TRACE: 5 7679fdcf pkp_nd6:ing:policy:ACCEPT\s
                """;
        assertEquals("", Verifier.withoutFamily(trace, "10"));
        assertEquals(trace, Verifier.withoutFamily(trace, "2"));
    }
}
