package io.pktpath.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.diag.Parsed;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelTraceParserTest {
    // Recorded with xtables-monitor --trace on kernel 6.18 (samples/bundles/hairpin-masq), with one interleaved packet.
    private static final String LOG = """
            PACKET: 2 ed30a017 IN=calie694aa37abf MACSRC=92:a7:4a:80:fd:f6 MACDST=ee:ee:ee:ee:ee:ee MACPROTO=0800 SRC=10.244.1.3 DST=10.96.0.20 LEN=60 TOS=0x0 TTL=64 ID=38480 DF SPORT=45216 DPORT=80 SYN\s
             TRACE: 2 ed30a017 raw:PREROUTING:rule:0x2:CONTINUE  -4 -t raw -A PREROUTING -j TRACE
             TRACE: 2 ed30a017 raw:PREROUTING:policy:ACCEPT\s
            PACKET: 2 ed30a017 IN=calie694aa37abf MACSRC=92:a7:4a:80:fd:f6 MACDST=ee:ee:ee:ee:ee:ee MACPROTO=0800 SRC=10.244.1.3 DST=10.96.0.20 LEN=60 TOS=0x0 TTL=64 ID=38480 DF SPORT=45216 DPORT=80 SYN\s
             TRACE: 2 ed30a017 nat:PREROUTING:rule:0xb:JUMP:KUBE-SERVICES  -4 -t nat -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
            PACKET: 2 5c4a9ad9 OUT=calie694aa37abf SRC=172.18.0.2 DST=10.244.1.3 LEN=88 TOS=0xc0 TTL=64 ID=45858\s
             TRACE: 2 5c4a9ad9 raw:OUTPUT:rule:0x4:CONTINUE  -4 -t raw -A OUTPUT -j TRACE
             TRACE: 2 5c4a9ad9 raw:OUTPUT:policy:ACCEPT\s
            PACKET: 2 ed30a017 IN=calie694aa37abf OUT=calie694aa37abf SRC=10.244.1.3 DST=10.244.1.3 LEN=60 TOS=0x0 TTL=63 ID=38480 DF SPORT=45216 DPORT=8080 SYN MARK=0x4000\s
             TRACE: 2 ed30a017 nat:KUBE-POSTROUTING:rule:0xf:0xfffffffb  -4 -t nat -A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
             TRACE: 2 ed30a017 nat:POSTROUTING:policy:ACCEPT\s
            PACKET: 2 ed30a017 IN=calie694aa37abf SRC=10.244.1.3 DST=10.96.0.20 LEN=52 TOS=0x0 TTL=64 ID=38481 DF SPORT=45216 DPORT=80 ACK\s
             TRACE: 2 ed30a017 raw:PREROUTING:rule:0x2:CONTINUE  -4 -t raw -A PREROUTING -j TRACE
            garbage line
            """;

    @Test
    void groupsInterleavedLinesIntoPacketsAndNormalizesVerdicts() {
        Parsed<List<KernelPacket>> parsed = KernelTraceParser.parse("trace.txt", LOG);
        List<KernelPacket> packets = parsed.value();
        assertEquals(3, packets.size());

        KernelPacket syn = packets.get(0);
        assertEquals("ed30a017", syn.traceId());
        assertEquals(2, syn.family());
        assertEquals(5, syn.steps().size());
        assertEquals("-A PREROUTING -j TRACE", syn.steps().get(0).ruleText());
        assertEquals("CONTINUE", syn.steps().get(0).verdict());
        assertEquals("POLICY:ACCEPT", syn.steps().get(1).verdict());
        assertTrue(syn.steps().get(1).policy());
        assertEquals("JUMP:KUBE-SERVICES", syn.steps().get(2).verdict());
        assertEquals("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
                syn.steps().get(2).ruleText());
        assertEquals("RETURN", syn.steps().get(3).verdict());
        assertEquals("0xf", syn.steps().get(3).handle());
        assertEquals("38480", syn.first().field("ID").orElseThrow());
        assertEquals(3, syn.headers().size());
        assertEquals(0x4000, syn.headers().get(2).intField("MARK", 0));
        assertTrue(syn.first().flags().contains("SYN"));

        KernelPacket redirect = packets.get(1);
        assertTrue(redirect.locallyGenerated());
        assertEquals(2, redirect.steps().size());

        KernelPacket ack = packets.get(2);
        assertEquals("ed30a017", ack.traceId());
        assertEquals("38481", ack.first().field("ID").orElseThrow());
        assertEquals(1, ack.steps().size());

        assertEquals(1, parsed.diagnostics().size());
        assertEquals("trace.txt:14:1: warning[TRC001]: not a PACKET: or TRACE: line; skipped"
                + " (expected: a line of xtables-monitor --trace)", parsed.diagnostics().get(0).headline());
    }

    // docker-publish (kernel 6.18): a SYN-ACK from a container enters on br-pkp under one trace id and is traced in
    // filter FORWARD under another one, because the bridge handed a new skb to IP.
    private static final String BRIDGED = """
            PACKET: 2 c0662389 IN=br-pkp SRC=172.17.0.2 DST=172.18.0.1 LEN=60 TOS=0x0 TTL=64 ID=0 DF SPORT=80 DPORT=56370 SYN ACK
             TRACE: 2 c0662389 raw:PREROUTING:rule:0x2:CONTINUE  -4 -t raw -A PREROUTING -j TRACE
             TRACE: 2 c0662389 raw:PREROUTING:policy:ACCEPT
            PACKET: 2 0c40420f IN=br-pkp OUT=eth0 SRC=172.17.0.2 DST=172.18.0.1 LEN=60 TOS=0x0 TTL=63 ID=0 DF SPORT=80 DPORT=56370 SYN ACK
             TRACE: 2 0c40420f filter:FORWARD:rule:0x8:JUMP:DOCKER-USER  -4 -t filter -A FORWARD -j DOCKER-USER
             TRACE: 2 0c40420f filter:DOCKER-USER:rule:0x19:0xfffffffb  -4 -t filter -A DOCKER-USER -j RETURN
            """;

    @Test
    void aTraceIdThatStartsMidPathContinuesTheSamePacket() {
        List<KernelPacket> packets = KernelTraceParser.parse("trace.txt", BRIDGED).value();
        assertEquals(1, packets.size());
        KernelPacket p = packets.get(0);
        assertEquals("c0662389", p.traceId());
        assertEquals(List.of("raw:PREROUTING", "raw:PREROUTING", "filter:FORWARD", "filter:DOCKER-USER"),
                p.steps().stream().map(s -> s.table() + ":" + s.chain()).toList());
        assertEquals("eth0", p.headers().get(1).field("OUT").orElseThrow());
    }

    // samples/recorder/checks/bridge-multicast-flood.sh (kernel 6.18, hairpin on): a datagram to 239.1.1.1 received on
    // port va of br0 is traced in raw PREROUTING, then under a new id in FORWARD for each of the three ports the bridge
    // flooded it to; a unicast packet with the same identity later is another packet.
    private static final String FLOODED = """
            PACKET: 2 e2388aac IN=br0 SRC=10.98.0.2 DST=239.1.1.1 LEN=34 TOS=0x0 TTL=1 ID=13501 DF SPORT=40051 DPORT=5001
             TRACE: 2 e2388aac raw:PREROUTING:rule:0x3:CONTINUE  -4 -t raw -A PREROUTING -j TRACE
             TRACE: 2 e2388aac raw:PREROUTING:policy:ACCEPT
            PACKET: 2 9a4a5e2d IN=br0 OUT=br0 SRC=10.98.0.2 DST=239.1.1.1 LEN=34 TOS=0x0 TTL=1 ID=13501 DF SPORT=40051 DPORT=5001
             TRACE: 2 9a4a5e2d filter:FORWARD:policy:ACCEPT
            PACKET: 2 9d083dc5 IN=br0 OUT=br0 SRC=10.98.0.2 DST=239.1.1.1 LEN=34 TOS=0x0 TTL=1 ID=13501 DF SPORT=40051 DPORT=5001
             TRACE: 2 9d083dc5 filter:FORWARD:policy:ACCEPT
            PACKET: 2 18d39807 IN=br0 OUT=br0 SRC=10.98.0.2 DST=239.1.1.1 LEN=34 TOS=0x0 TTL=1 ID=13501 DF SPORT=40051 DPORT=5001
             TRACE: 2 18d39807 filter:FORWARD:policy:ACCEPT
            PACKET: 2 77777777 IN=br0 SRC=10.98.0.2 DST=10.98.0.1 LEN=34 TOS=0x0 TTL=64 ID=13502 DF SPORT=40051 DPORT=5001
             TRACE: 2 77777777 raw:PREROUTING:policy:ACCEPT
            PACKET: 2 88888888 IN=br0 OUT=br0 SRC=10.98.0.2 DST=10.98.0.3 LEN=34 TOS=0x0 TTL=64 ID=13502 DF SPORT=40051 DPORT=5001
             TRACE: 2 88888888 filter:FORWARD:policy:ACCEPT
            PACKET: 2 99999999 IN=br0 OUT=br0 SRC=10.98.0.2 DST=10.98.0.3 LEN=34 TOS=0x0 TTL=64 ID=13502 DF SPORT=40051 DPORT=5001
             TRACE: 2 99999999 filter:FORWARD:policy:ACCEPT
            """;

    @Test
    void theClonesOfAMulticastABridgeFloodedAreOnePacket() {
        List<KernelPacket> packets = KernelTraceParser.parse("trace.txt", FLOODED).value();
        assertEquals(List.of("e2388aac", "77777777", "99999999"), packets.stream().map(KernelPacket::traceId).toList());
        assertEquals(List.of("raw:PREROUTING", "raw:PREROUTING", "filter:FORWARD", "filter:FORWARD", "filter:FORWARD"),
                packets.get(0).steps().stream().map(s -> s.table() + ":" + s.chain()).toList());
        // a unicast one is continued once (the bridge handed one skb on), never by a second FORWARD
        assertEquals(List.of("raw:PREROUTING", "filter:FORWARD"),
                packets.get(1).steps().stream().map(s -> s.table() + ":" + s.chain()).toList());
    }

    // no-endpoints-reject (kernel 6.18): the REJECT's ICMP error to the node itself, traced in OUTPUT and again, under
    // another id, in PREROUTING/INPUT after lo looped it back.
    private static final String LOOPED = """
            PACKET: 2 ea511a7b OUT=lo SRC=172.18.0.2 DST=172.18.0.2 LEN=88 TOS=0xc0 TTL=64 ID=37644
             TRACE: 2 ea511a7b raw:OUTPUT:rule:0x4:CONTINUE  -4 -t raw -A OUTPUT -j TRACE
             TRACE: 2 ea511a7b raw:OUTPUT:policy:ACCEPT
            PACKET: 2 33de690e IN=lo LOOPBACK SRC=172.18.0.2 DST=172.18.0.2 LEN=88 TOS=0xc0 TTL=64 ID=37644
             TRACE: 2 33de690e raw:PREROUTING:rule:0x2:CONTINUE  -4 -t raw -A PREROUTING -j TRACE
            PACKET: 2 44444444 IN=lo LOOPBACK SRC=172.18.0.2 DST=172.18.0.2 LEN=88 TOS=0xc0 TTL=64 ID=37645
             TRACE: 2 44444444 raw:PREROUTING:rule:0x2:CONTINUE  -4 -t raw -A PREROUTING -j TRACE
            """;

    @Test
    void traceLinesWhosePacketLineIsUnreadableAreReportedAndSkipped() {
        // found by CorruptedBundleTest (trace.txt with a PACKET: line's first token swapped): the packet had steps but
        // no header and verify threw ArrayIndexOutOfBoundsException in KernelPacket.first
        String log = """
                PACKET: 2 11111111 IN=eth0 SRC=10.0.0.1 DST=10.0.0.2 LEN=60 TOS=0x0 TTL=64 ID=1 DF SPORT=1 DPORT=80 SYN
                 TRACE: 2 11111111 raw:PREROUTING:policy:ACCEPT
                -4 2 3cb7b8b7 IN=eth0 SRC=10.0.0.1 DST=10.0.0.2 LEN=60 TOS=0x0 TTL=64 ID=2 DF SPORT=1 DPORT=80 SYN
                 TRACE: 2 3cb7b8b7 raw:PREROUTING:rule:0x2:CONTINUE  -4 -t raw -A PREROUTING -j TRACE
                 TRACE: 2 3cb7b8b7 raw:PREROUTING:policy:ACCEPT
                """;
        Parsed<List<KernelPacket>> parsed = KernelTraceParser.parse("trace.txt", log);
        assertEquals(List.of("11111111"), parsed.value().stream().map(KernelPacket::traceId).toList());
        assertEquals(List.of("trace.txt:3:1: warning[TRC001]: not a PACKET: or TRACE: line; skipped (expected: a line of "
                        + "xtables-monitor --trace)",
                "trace.txt:4:1: warning[TRC004]: trace id 3cb7b8b7 has TRACE lines but no PACKET: line; skipped "
                        + "(expected: a PACKET: line with the same id before its TRACE lines)"),
                parsed.diagnostics().stream().map(io.pktpath.parser.diag.Diagnostic::headline).toList());
    }

    @Test
    void aPacketLoopedBackOnLoIsOnePacket() {
        List<KernelPacket> packets = KernelTraceParser.parse("trace.txt", LOOPED).value();
        assertEquals(2, packets.size());
        assertEquals(List.of("OUTPUT", "OUTPUT", "PREROUTING"),
                packets.get(0).steps().stream().map(KernelStep::chain).toList());
        assertTrue(packets.get(0).locallyGenerated());
        assertEquals("37645", packets.get(1).first().field("ID").orElseThrow());
    }

    // redirect-proxy (kernel 6.18): nat OUTPUT REDIRECTs the node's SYN to 127.0.0.1:15002; the SYN's output pass ends
    // with OUT=lo only in nat POSTROUTING, the next packet's (ACK) keeps OUT=eth0 throughout; the proxy's SYN-ACK is
    // un-DNATed in POSTROUTING, so its input pass has another source (172.18.0.1:8080) than its output pass.
    private static final String REDIRECTED = """
            PACKET: 2 62757ed3 OUT=eth0 SRC=172.18.0.2 DST=172.18.0.1 LEN=60 TOS=0x0 TTL=64 ID=39911 DF SPORT=43005 DPORT=8080 SYN
             TRACE: 2 62757ed3 raw:OUTPUT:rule:0x4:CONTINUE  -4 -t raw -A OUTPUT -j TRACE
             TRACE: 2 62757ed3 raw:OUTPUT:policy:ACCEPT
            PACKET: 2 62757ed3 OUT=eth0 SRC=172.18.0.2 DST=172.18.0.1 LEN=60 TOS=0x0 TTL=64 ID=39911 DF SPORT=43005 DPORT=8080 SYN
             TRACE: 2 62757ed3 nat:OUTPUT:rule:0x7:ACCEPT  -4 -t nat -A OUTPUT -d 172.18.0.1/32 -p tcp -m tcp --dport 8080 -m owner ! --uid-owner 1337 -m comment --comment \"node traffic through the proxy, except the proxy\'s own\" -j REDIRECT --to-ports 15002
            PACKET: 2 62757ed3 OUT=eth0 SRC=172.18.0.2 DST=127.0.0.1 LEN=60 TOS=0x0 TTL=64 ID=39911 DF SPORT=43005 DPORT=15002 SYN
             TRACE: 2 62757ed3 filter:OUTPUT:rule:0x9:CONTINUE  -4 -t filter -A OUTPUT -o eth0 -p tcp -m tcp --dport 15002 -m comment --comment \"count only: -o in OUTPUT is the device of the route before nat OUTPUT rerouted\"
             TRACE: 2 62757ed3 filter:OUTPUT:policy:ACCEPT
            PACKET: 2 62757ed3 OUT=lo SRC=172.18.0.2 DST=127.0.0.1 LEN=60 TOS=0x0 TTL=64 ID=39911 DF SPORT=43005 DPORT=15002 SYN
             TRACE: 2 62757ed3 nat:POSTROUTING:policy:ACCEPT
            PACKET: 2 e90657e9 IN=lo LOOPBACK SRC=172.18.0.2 DST=127.0.0.1 LEN=60 TOS=0x0 TTL=64 ID=39911 DF SPORT=43005 DPORT=15002 SYN
             TRACE: 2 e90657e9 raw:PREROUTING:rule:0x2:CONTINUE  -4 -t raw -A PREROUTING -j TRACE
             TRACE: 2 e90657e9 raw:PREROUTING:policy:ACCEPT
            PACKET: 2 e90657e9 IN=lo LOOPBACK SRC=172.18.0.2 DST=127.0.0.1 LEN=60 TOS=0x0 TTL=64 ID=39911 DF SPORT=43005 DPORT=15002 SYN
             TRACE: 2 e90657e9 filter:INPUT:rule:0x7:ACCEPT  -4 -t filter -A INPUT -d 127.0.0.1/32 -i lo -p tcp -m tcp --dport 15002 -m conntrack --ctstate NEW,DNAT -j ACCEPT
            PACKET: 2 d8950837 OUT=lo SRC=127.0.0.1 DST=172.18.0.2 LEN=60 TOS=0x0 TTL=64 ID=0 DF SPORT=15002 DPORT=43005 SYN ACK
             TRACE: 2 d8950837 raw:OUTPUT:rule:0x4:CONTINUE  -4 -t raw -A OUTPUT -j TRACE
             TRACE: 2 d8950837 raw:OUTPUT:policy:ACCEPT
            PACKET: 2 d8950837 OUT=lo SRC=127.0.0.1 DST=172.18.0.2 LEN=60 TOS=0x0 TTL=64 ID=0 DF SPORT=15002 DPORT=43005 SYN ACK
             TRACE: 2 d8950837 filter:OUTPUT:policy:ACCEPT
            PACKET: 2 3e6028d5 IN=lo LOOPBACK SRC=172.18.0.1 DST=172.18.0.2 LEN=60 TOS=0x0 TTL=64 ID=0 DF SPORT=8080 DPORT=43005 SYN ACK
             TRACE: 2 3e6028d5 raw:PREROUTING:rule:0x2:CONTINUE  -4 -t raw -A PREROUTING -j TRACE
             TRACE: 2 3e6028d5 raw:PREROUTING:policy:ACCEPT
            PACKET: 2 3e6028d5 IN=lo LOOPBACK SRC=172.18.0.1 DST=172.18.0.2 LEN=60 TOS=0x0 TTL=64 ID=0 DF SPORT=8080 DPORT=43005 SYN ACK
             TRACE: 2 3e6028d5 filter:INPUT:rule:0x4:ACCEPT  -4 -t filter -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            PACKET: 2 7148c9b3 OUT=eth0 SRC=172.18.0.2 DST=172.18.0.1 LEN=52 TOS=0x0 TTL=64 ID=39912 DF SPORT=43005 DPORT=8080 ACK
             TRACE: 2 7148c9b3 raw:OUTPUT:rule:0x4:CONTINUE  -4 -t raw -A OUTPUT -j TRACE
             TRACE: 2 7148c9b3 raw:OUTPUT:policy:ACCEPT
            PACKET: 2 7148c9b3 OUT=eth0 SRC=172.18.0.2 DST=127.0.0.1 LEN=52 TOS=0x0 TTL=64 ID=39912 DF SPORT=43005 DPORT=15002 ACK
             TRACE: 2 7148c9b3 filter:OUTPUT:rule:0x9:CONTINUE  -4 -t filter -A OUTPUT -o eth0 -p tcp -m tcp --dport 15002 -m comment --comment \"count only: -o in OUTPUT is the device of the route before nat OUTPUT rerouted\"
             TRACE: 2 7148c9b3 filter:OUTPUT:policy:ACCEPT
            PACKET: 2 9955202c IN=lo LOOPBACK SRC=172.18.0.2 DST=127.0.0.1 LEN=52 TOS=0x0 TTL=64 ID=39912 DF SPORT=43005 DPORT=15002 ACK
             TRACE: 2 9955202c raw:PREROUTING:rule:0x2:CONTINUE  -4 -t raw -A PREROUTING -j TRACE
             TRACE: 2 9955202c raw:PREROUTING:policy:ACCEPT
            PACKET: 2 9955202c IN=lo LOOPBACK SRC=172.18.0.2 DST=127.0.0.1 LEN=52 TOS=0x0 TTL=64 ID=39912 DF SPORT=43005 DPORT=15002 ACK
             TRACE: 2 9955202c filter:INPUT:rule:0x4:ACCEPT  -4 -t filter -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            """;

    @Test
    void theTwoPassesOfAPacketRedirectedToLoAreJoinedOnIdLenAndDestination() {
        List<KernelPacket> packets = KernelTraceParser.parse("trace.txt", REDIRECTED).value();
        assertEquals(List.of("62757ed3", "d8950837", "7148c9b3"), packets.stream().map(KernelPacket::traceId).toList());
        assertEquals(List.of("raw:OUTPUT", "raw:OUTPUT", "nat:OUTPUT", "filter:OUTPUT", "filter:OUTPUT",
                        "nat:POSTROUTING", "raw:PREROUTING", "raw:PREROUTING", "filter:INPUT"),
                packets.get(0).steps().stream().map(s -> s.table() + ":" + s.chain()).toList());
        KernelPacket synAck = packets.get(1);
        assertEquals(List.of("OUTPUT", "OUTPUT", "OUTPUT", "PREROUTING", "PREROUTING", "INPUT"),
                synAck.steps().stream().map(KernelStep::chain).toList());
        assertEquals("127.0.0.1", synAck.first().field("SRC").orElseThrow());
        assertEquals("172.18.0.1", synAck.headers().get(synAck.headers().size() - 1).field("SRC").orElseThrow());
        KernelPacket ack = packets.get(2);
        assertEquals("eth0", ack.headers().get(1).field("OUT").orElseThrow());
        assertEquals("lo", ack.headers().get(2).field("IN").orElseThrow());
        assertEquals(List.of("OUTPUT", "OUTPUT", "OUTPUT", "OUTPUT", "PREROUTING", "PREROUTING", "INPUT"),
                ack.steps().stream().map(KernelStep::chain).toList());
    }

    @Test
    void aLoopedPassIsNotJoinedToAnOutputPassWithAnotherDestinationOrThatLeftTheNode() {
        String log = """
                PACKET: 2 aa000001 OUT=eth0 SRC=172.18.0.2 DST=172.18.0.1 LEN=52 TOS=0x0 TTL=64 ID=7 DF SPORT=43006 DPORT=8080 ACK
                 TRACE: 2 aa000001 raw:OUTPUT:rule:0x4:CONTINUE  -4 -t raw -A OUTPUT -j TRACE
                 TRACE: 2 aa000001 filter:OUTPUT:policy:ACCEPT
                PACKET: 2 aa000002 OUT=eth0 SRC=172.18.0.2 DST=172.18.0.1 LEN=52 TOS=0x0 TTL=64 ID=8 DF SPORT=43005 DPORT=8080 ACK
                 TRACE: 2 aa000002 raw:OUTPUT:rule:0x4:CONTINUE  -4 -t raw -A OUTPUT -j TRACE
                PACKET: 2 aa000002 OUT=eth0 SRC=172.18.0.2 DST=127.0.0.1 LEN=52 TOS=0x0 TTL=64 ID=8 DF SPORT=43005 DPORT=15002 ACK
                 TRACE: 2 aa000002 filter:OUTPUT:policy:ACCEPT
                PACKET: 2 bb000001 IN=lo LOOPBACK SRC=172.18.0.2 DST=127.0.0.1 LEN=52 TOS=0x0 TTL=64 ID=7 DF SPORT=43005 DPORT=15002 ACK
                 TRACE: 2 bb000001 raw:PREROUTING:rule:0x2:CONTINUE  -4 -t raw -A PREROUTING -j TRACE
                PACKET: 2 bb000002 IN=lo LOOPBACK SRC=172.18.0.2 DST=127.0.0.1 LEN=52 TOS=0x0 TTL=64 ID=8 DF SPORT=43005 DPORT=9999 ACK
                 TRACE: 2 bb000002 raw:PREROUTING:rule:0x2:CONTINUE  -4 -t raw -A PREROUTING -j TRACE
                """;
        List<KernelPacket> packets = KernelTraceParser.parse("trace.txt", log).value();
        assertEquals(List.of("aa000001", "aa000002", "bb000001", "bb000002"),
                packets.stream().map(KernelPacket::traceId).toList());
    }

    @Test
    void aBridgePortPacketTracedAgainInAnInetTableUnderANewIdIsOnePacket() {
        // podman-netavark (kernel 6.18): web's reply came in on a port of podman0; raw PREROUTING traced it (family 2),
        // then, once the bridge handed it to IP, netavark's inet FORWARD chain under another id (family 1, NFPROTO=2)
        String log = """
                PACKET: 2 5ac0c2f7 IN=podman0 MACSRC=62:e1:fa:e5:b7:59 MACDST=7a:19:92:9e:7a:2e MACPROTO=0800 SRC=10.88.0.2 DST=172.18.0.1 LEN=60 TOS=0x0 TTL=64 ID=0 DF SPORT=80 DPORT=41001 SYN ACK
                 TRACE: 2 5ac0c2f7 raw:PREROUTING:rule:0x3:CONTINUE  -4 -t raw -A PREROUTING -j TRACE
                 TRACE: 2 5ac0c2f7 raw:PREROUTING:policy:ACCEPT
                PACKET: 1 ae3d8ecc IN=podman0 OUT=eth0 NFPROTO=2 MACSRC=62:e1:fa:e5:b7:59 MACDST=7a:19:92:9e:7a:2e MACPROTO=0800 SRC=10.88.0.2 DST=172.18.0.1 LEN=60 TOS=0x0 TTL=63 ID=0 DF SPORT=80 DPORT=41001 SYN ACK
                 TRACE: 1 ae3d8ecc netavark:FORWARD:rule:0x10:ACCEPT
                PACKET: 1 cc000001 IN=podman0 OUT=eth0 NFPROTO=10 SRC=fd00::2 DST=fd00::1 LEN=60 TC=0 HOPLIMIT=63 FLOWLBL=0 SPORT=80 DPORT=41001 SYN ACK
                 TRACE: 1 cc000001 netavark:FORWARD:rule:0x10:ACCEPT
                """;
        List<KernelPacket> packets = KernelTraceParser.parse("trace.txt", log).value();
        assertEquals(2, packets.size(), "the IPv4 reply is one packet; the IPv6 one continues nothing");
        KernelPacket reply = packets.get(0);
        assertEquals("5ac0c2f7", reply.traceId());
        assertEquals(List.of("raw:PREROUTING", "raw:PREROUTING", "inet netavark:FORWARD"),
                reply.steps().stream().map(st -> st.table() + ":" + st.chain()).toList());
        assertEquals(2, KernelTraceParser.packetFamily(1, reply.headers().get(1)));
        assertEquals(10, KernelTraceParser.packetFamily(1, packets.get(1).first()));
        assertEquals(2, KernelTraceParser.packetFamily(2, reply.first()));
    }

    @Test
    void aNonFirstIpv4FragmentsLineIsKnownByItsFragmentOffsetWordNotByItsPayloadPorts() {
        // recorded with xtables-monitor --trace (samples/bundles/nft-ingress-frag4): the second and third fragments of
        // a UDP datagram of "b"s at an inet ingress chain; SPORT and DPORT are the payload's bytes 0x6262
        String log = """
                PACKET: 1 3d2eca61 IN=eth0 NFPROTO=2 MACSRC=96:c3:4e:1c:d7:bc MACDST=ba:59:3e:ea:e8:bc MACPROTO=0800 SRC=172.18.0.1 DST=172.18.0.2 LEN=1500 TOS=0x0 TTL=64 ID=8868 MF FRAG:185 SPORT=25186 DPORT=25186\s
                 TRACE: 1 3d2eca61 pkp_ig4:ing:policy:ACCEPT\s
                PACKET: 1 441f17e6 IN=eth0 NFPROTO=2 MACSRC=96:c3:4e:1c:d7:bc MACDST=ba:59:3e:ea:e8:bc MACPROTO=0800 SRC=172.18.0.1 DST=172.18.0.2 LEN=68 TOS=0x0 TTL=64 ID=8868 FRAG:370 SPORT=25186 DPORT=25186\s
                 TRACE: 1 441f17e6 pkp_ig4:ing:policy:ACCEPT\s
                PACKET: 1 ed18e113 IN=eth0 NFPROTO=2 MACSRC=96:c3:4e:1c:d7:bc MACDST=ba:59:3e:ea:e8:bc MACPROTO=0800 SRC=172.18.0.1 DST=172.18.0.2 LEN=1500 TOS=0x0 TTL=64 ID=8868 MF SPORT=45300 DPORT=5300\s
                 TRACE: 1 ed18e113 pkp_ig4:ing:policy:ACCEPT\s
                """;
        List<KernelPacket> packets = KernelTraceParser.parse("trace.txt", log).value();
        assertEquals(3, packets.size());
        assertTrue(packets.get(0).first().nonFirstFragment());
        assertTrue(packets.get(1).first().nonFirstFragment());
        assertTrue(!packets.get(2).first().nonFirstFragment(), "the first fragment's ports are its datagram's");
        assertTrue(!new KernelPacketHeader(java.util.Map.of(), java.util.Set.of("FRAG:0"), 1).nonFirstFragment());
    }
}
