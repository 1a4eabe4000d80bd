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
                PACKET: 10 e32ec65b IN=eth0 SRC=fd00:18::1 DST=fd00:18::2 LEN=60 PROTO=6 SPORT=46840 DPORT=30090
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
}
