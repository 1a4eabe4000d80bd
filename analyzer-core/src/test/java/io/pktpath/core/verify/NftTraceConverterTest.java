package io.pktpath.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.parser.iptables.IptablesSaveParser;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NftTraceConverterTest {
    // Recorded with nft monitor trace / nft -a list ruleset / ip6tables-save (samples/bundles/ipv6-dnat-masq), shortened.
    private static final String TRACE = """
            trace id e32ec65b ip6 raw PREROUTING packet: iif "eth0" ether saddr 42:16:e6:87:19:ed ip6 saddr fd00:18::1 ip6 daddr fd00:18::2 ip6 dscp cs0 ip6 hoplimit 64 ip6 length 40 tcp sport 46840 tcp dport 30090 tcp flags == syn tcp window 64800
            trace id e32ec65b ip6 raw PREROUTING rule counter packets 0 bytes 0 meta nftrace set 1 (verdict continue)
            trace id e32ec65b ip6 raw PREROUTING policy accept
            trace id e32ec65b ip6 nat PREROUTING packet: iif "eth0" ip6 saddr fd00:18::1 ip6 daddr fd00:18::2 ip6 length 40 tcp sport 46840 tcp dport 30090
            trace id e32ec65b ip6 nat PREROUTING rule  counter packets 0 bytes 0 jump KUBE-SERVICES (verdict jump KUBE-SERVICES)
            trace id e32ec65b ip6 nat KUBE-SERVICES rule  fib daddr type local counter packets 0 bytes 0 jump KUBE-NODEPORTS (verdict jump KUBE-NODEPORTS)
            trace id 11111111 ip raw PREROUTING policy accept
            """;
    private static final String RULESET = """
            table ip6 raw { # handle 1
            	chain PREROUTING { # handle 1
            		type filter hook prerouting priority raw; policy accept;
            		counter packets 66 bytes 5000 meta nftrace set 1 # handle 2
            	}
            }
            table ip6 nat { # handle 2
            	chain PREROUTING { # handle 1
            		type nat hook prerouting priority dstnat; policy accept;
            		 counter packets 6 bytes 480 jump KUBE-SERVICES # handle 12
            	}
            	chain KUBE-SERVICES { # handle 8
            		ip6 daddr fd00:10:96::c tcp dport 80 counter packets 0 bytes 0 jump KUBE-SVC-X # handle 20
            		 fib daddr type local counter packets 3 bytes 240 jump KUBE-NODEPORTS # handle 21
            	}
            }
            """;
    private static final String IP6TABLES = """
            *raw
            :PREROUTING ACCEPT [0:0]
            -A PREROUTING -j TRACE
            COMMIT
            *nat
            :PREROUTING ACCEPT [0:0]
            :KUBE-SERVICES - [0:0]
            :KUBE-SVC-X - [0:0]
            :KUBE-NODEPORTS - [0:0]
            -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
            -A KUBE-SERVICES -d fd00:10:96::c/128 -p tcp -m tcp --dport 80 -j KUBE-SVC-X
            -A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
            COMMIT
            """;

    @Test
    void nftTraceLinesBecomeXtablesLinesWithTheIp6tablesRuleText() {
        Ruleset v6 = IptablesSaveParser.parse("ip6tables-save.txt", IP6TABLES, IpFamily.V6).value();
        String converted = NftTraceConverter.convert(TRACE, RULESET, Optional.of(v6));
        assertEquals("""
                PACKET: 10 e32ec65b IN=eth0 SRC=fd00:18::1 DST=fd00:18::2 LEN=60 PROTO=6 SPORT=46840 DPORT=30090 TCPFLAGS=syn
                 TRACE: 10 e32ec65b raw:PREROUTING:rule:0x1:CONTINUE  -6 -t raw -A PREROUTING -j TRACE
                 TRACE: 10 e32ec65b raw:PREROUTING:policy:ACCEPT
                PACKET: 10 e32ec65b IN=eth0 SRC=fd00:18::1 DST=fd00:18::2 LEN=60 PROTO=6 SPORT=46840 DPORT=30090
                 TRACE: 10 e32ec65b nat:PREROUTING:rule:0x1:JUMP:KUBE-SERVICES  -6 -t nat -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
                 TRACE: 10 e32ec65b nat:KUBE-SERVICES:rule:0x2:JUMP:KUBE-NODEPORTS  -6 -t nat -A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
                # trace id 11111111 ip raw PREROUTING policy accept
                """, converted);
        List<KernelPacket> packets = KernelTraceParser.parse("nft-trace.txt", converted).value();
        assertEquals(1, packets.size());
        assertEquals("JUMP:KUBE-NODEPORTS", packets.get(0).steps().get(3).verdict());
        assertEquals(80, FrameTies.ipLength(packets.get(0).first(), 10));
        assertEquals(6, packets.get(0).steps().get(3).line(), "line numbers are those of nft-trace.txt");
    }

    /** Recorded in samples/bundles/nft-native-raw (an inet table's chain at priority -290), shortened. */
    private static final String INET_TRACE = """
            trace id 78e846a5 ip6 raw PREROUTING packet: iif "eth0" ip6 saddr fd00:10:244:1::2 ip6 daddr fd00:18::2 ip6 length 64 icmpv6 type echo-request
            trace id 78e846a5 ip6 raw PREROUTING policy accept
            trace id 78e846a5 inet pkp_raw raw_PREROUTING packet: iif "eth0" ip6 saddr fd00:10:244:1::2 ip6 daddr fd00:18::2 ip6 nexthdr ipv6-icmp ip6 length 64 icmpv6 type echo-request
            trace id 78e846a5 inet pkp_raw raw_PREROUTING rule ct state invalid counter packets 0 bytes 0 (verdict continue)
            trace id 78e846a5 inet pkp_raw raw_PREROUTING rule meta nfproto ipv6 fib saddr . iif oif missing counter packets 0 bytes 0 drop (verdict drop)
            trace id 47985283 inet pkp_raw raw_PREROUTING packet: iif "eth0" ip saddr 172.18.0.1 ip daddr 172.18.0.2 ip id 31504 ip protocol tcp ip length 60 tcp sport 44000 tcp dport 8081
            trace id 47985283 inet pkp_raw raw_PREROUTING policy accept
            """;

    @Test
    void anInetTablesLinesOfAPacketOfTheFamilyBecomeFamilyOneLinesAndTheOtherFamilysStayComments() {
        String converted = NftTraceConverter.convert(INET_TRACE, "", Optional.empty());
        assertEquals("""
                PACKET: 10 78e846a5 IN=eth0 SRC=fd00:10:244:1::2 DST=fd00:18::2 LEN=84 PROTO=58
                 TRACE: 10 78e846a5 raw:PREROUTING:policy:ACCEPT
                PACKET: 1 78e846a5 NFPROTO=10 IN=eth0 SRC=fd00:10:244:1::2 DST=fd00:18::2 LEN=84 PROTO=58
                 TRACE: 1 78e846a5 pkp_raw:raw_PREROUTING:rule:0x0:CONTINUE  nft: ct state invalid
                 TRACE: 1 78e846a5 pkp_raw:raw_PREROUTING:rule:0x0:DROP  nft: meta nfproto ipv6 fib saddr . iif oif missing drop
                # trace id 47985283 inet pkp_raw raw_PREROUTING packet: iif "eth0" ip saddr 172.18.0.1 ip daddr 172.18.0.2 ip id 31504 ip protocol tcp ip length 60 tcp sport 44000 tcp dport 8081
                # trace id 47985283 inet pkp_raw raw_PREROUTING policy accept
                """, converted);
        List<KernelPacket> packets = KernelTraceParser.parse("nft-trace.txt", converted).value();
        assertEquals(1, packets.size());
        KernelStep drop = packets.get(0).steps().get(2);
        assertEquals("inet pkp_raw", drop.table());
        assertEquals("DROP", drop.verdict());
        assertEquals(5, drop.line());
    }

    @Test
    void withoutFamilyAlsoDropsAnInetTablesLinesOfAPacketOfThatFamily() {
        String trace = """
                PACKET: 10 d1ae0c03 IN=eth0 SRC=fd00:18::1 DST=ff02::1:ff00:2 LEN=52
                 TRACE: 10 d1ae0c03 raw:PREROUTING:policy:ACCEPT
                PACKET: 1 d1ae0c03 IN=eth0 NFPROTO=10 SRC=fd00:18::1 DST=ff02::1:ff00:2 LEN=52
                 TRACE: 1 d1ae0c03 pkp_raw:raw_PREROUTING:rule:0x9:ACCEPT
                PACKET: 1 d1ae0c03 IN=eth0 NFPROTO=2 SRC=172.18.0.1 DST=172.18.0.2 LEN=60
                 TRACE: 1 d1ae0c03 pkp_raw:raw_PREROUTING:policy:ACCEPT
                """;
        assertEquals("""
                PACKET: 1 d1ae0c03 IN=eth0 NFPROTO=2 SRC=172.18.0.1 DST=172.18.0.2 LEN=60
                 TRACE: 1 d1ae0c03 pkp_raw:raw_PREROUTING:policy:ACCEPT
                """, Verifier.withoutFamily(trace, "10"), "the id is the trace's; the PACKET line says the family");
    }

    @Test
    void aBridgeTablesLinesOfAnIpv6FrameBecomeFamilySevenLinesWithTheFrameAddresses() {
        // samples/bundles/brg-bridge-v6: xtables-monitor prints the same lines, but not the ip6 lines they go with
        String trace = """
                trace id 2af0d297 bridge pkp_br6 br_pre packet: iif "veth0cc175b9" ether saddr 02:00:0a:f4:08:02 ether daddr 02:00:0a:f4:08:03 ip6 saddr fd00:8::2 ip6 daddr fd00:8::3 ip6 hoplimit 64 ip6 nexthdr tcp ip6 length 40 tcp sport 44754 tcp dport 8080 tcp flags == syn tcp window 64800
                trace id 2af0d297 bridge pkp_br6 br_pre rule meta nftrace set 1 (verdict continue)
                trace id 2af0d297 bridge pkp_br6 br_pre policy accept
                trace id 2af0d297 ip6 raw PREROUTING packet: iif "br-pkp" ether saddr 02:00:0a:f4:08:02 ether daddr 02:00:0a:f4:08:03 ip6 saddr fd00:8::2 ip6 daddr fd00:8::3 ip6 hoplimit 64 ip6 length 40 tcp sport 44754 tcp dport 8080 tcp flags == syn tcp window 64800
                trace id 2af0d297 ip6 raw PREROUTING policy accept
                trace id 5c5d7046 bridge pkp_br6 br_pre packet: iif "veth0cc175b9" ether saddr 02:00:0a:f4:08:02 ether daddr 02:00:0a:f4:08:03 ip saddr 10.244.8.2 ip daddr 10.244.8.3 ip id 7 ip length 84 icmp type echo-request
                """;
        assertEquals("""
                PACKET: 7 2af0d297 IN=veth0cc175b9 SRC=fd00:8::2 DST=fd00:8::3 LEN=60 PROTO=6 SPORT=44754 DPORT=8080 TCPFLAGS=syn MACSRC=02:00:0a:f4:08:02 MACDST=02:00:0a:f4:08:03 MACPROTO=86dd
                 TRACE: 7 2af0d297 pkp_br6:br_pre:rule:0x0:CONTINUE  nft: meta nftrace set 1
                 TRACE: 7 2af0d297 pkp_br6:br_pre:policy:ACCEPT
                PACKET: 10 2af0d297 IN=br-pkp SRC=fd00:8::2 DST=fd00:8::3 LEN=60 PROTO=6 SPORT=44754 DPORT=8080 TCPFLAGS=syn
                 TRACE: 10 2af0d297 raw:PREROUTING:policy:ACCEPT
                # trace id 5c5d7046 bridge pkp_br6 br_pre packet: iif "veth0cc175b9" ether saddr 02:00:0a:f4:08:02 ether daddr 02:00:0a:f4:08:03 ip saddr 10.244.8.2 ip daddr 10.244.8.3 ip id 7 ip length 84 icmp type echo-request
                """, NftTraceConverter.convert(trace, "", Optional.empty()));
        List<KernelPacket> packets = KernelTraceParser.parse("nft-trace.txt",
                NftTraceConverter.convert(trace, "", Optional.empty())).value();
        assertEquals(1, packets.size());
        assertEquals(List.of("bridge pkp_br6", "bridge pkp_br6", "raw"),
                packets.get(0).steps().stream().map(KernelStep::table).toList());
    }

    @Test
    void withoutFamilyDropsTheBridgeLinesOfAnIpv6FrameAndKeepsThoseOfIpv4AndArp() {
        String trace = """
                PACKET: 7 fc9aa71d IN=veth0cc175b9 MACSRC=2:0:a:f4:8:2 MACDST=33:33:ff:0:0:3 MACPROTO=86dd NH=6000000000203afffffffffffffffd
                 TRACE: 7 fc9aa71d pkp_br6:br_pre:policy:ACCEPT
                PACKET: 7 a315694d OUT=veth4a8a08f0 LL=0x0 3333ffffffff00000302000afffffff40802ffffff86ffffffdd NH=6000000000203afffffffffffffffd
                 TRACE: 7 a315694d pkp_br6:br_post:policy:ACCEPT
                PACKET: 7 ba5012db IN=veth0cc175b9 MACSRC=2:0:a:f4:7:2 MACDST=ff:ff:ff:ff:ff:ff MACPROTO=0806 NH=0001080006040001
                 TRACE: 7 ba5012db pkp_br:br_pre:policy:ACCEPT
                PACKET: 7 96b3df76 IN=veth0cc175b9 MACSRC=2:0:a:f4:7:2 MACDST=2:0:a:f4:7:3 MACPROTO=0800 NH=4500003c0000400040
                 TRACE: 7 96b3df76 pkp_br:br_pre:policy:ACCEPT
                """;
        assertEquals("""
                PACKET: 7 ba5012db IN=veth0cc175b9 MACSRC=2:0:a:f4:7:2 MACDST=ff:ff:ff:ff:ff:ff MACPROTO=0806 NH=0001080006040001
                 TRACE: 7 ba5012db pkp_br:br_pre:policy:ACCEPT
                PACKET: 7 96b3df76 IN=veth0cc175b9 MACSRC=2:0:a:f4:7:2 MACDST=2:0:a:f4:7:3 MACPROTO=0800 NH=4500003c0000400040
                 TRACE: 7 96b3df76 pkp_br:br_pre:policy:ACCEPT
                """, Verifier.withoutFamily(trace, "10"));
    }

    @Test
    void linesThatAreNotTraceLinesAreNamedWithTheirLine() {
        String trace = "trace id 9bf32e23 ip raw PREROUTING packet: iif \"eth0\" ip saddr 10.0.0.1\n"
                + "trac\ufffd\ufffdid 9bf32e23 ip raw PREROUTING rule counter accept (verdict accept)\n\n";
        assertEquals(List.of("nft-trace.txt:2:1: warning[TRC003]: not a line of nft monitor trace; skipped (expected: "
                + "trace id ID ip|ip6|inet|netdev|bridge|arp TABLE CHAIN packet:|rule|policy ...)"),
                NftTraceConverter.unreadLines("nft-trace.txt", trace));
    }
}
