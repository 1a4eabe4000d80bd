package io.pktpath.core.netfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.engine.Packet;
import io.pktpath.parser.sockets.SocketTable;
import io.pktpath.parser.sockets.SsParser;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A packet delivered locally to a port no socket of a node's {@code ss -tulnp} listens on, as the socket layer refuses it. */
class ClosedPortTest {
    private static final Optional<SocketTable> SS = Optional.of(SsParser.parse("ss-tulnp.txt", String.join("\n",
            "Netid State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess",
            "udp   UNCONN 0      0            0.0.0.0:8125       0.0.0.0:*    users:((\"statsd\",pid=7,fd=3))",
            "tcp   LISTEN 0      16         127.0.0.1:10248      0.0.0.0:*    users:((\"kubelet\",pid=9,fd=3))",
            "tcp   LISTEN 0      16           0.0.0.0:10250      0.0.0.0:*    users:((\"kubelet\",pid=9,fd=4))",
            "tcp   LISTEN 0      16                 *:9100             *:*    users:((\"node_exporter\",pid=5,fd=3))",
            "tcp   LISTEN 0      16      10.0.0.9%eth1:8443      0.0.0.0:*    users:((\"api\",pid=4,fd=3))",
            "")).value());

    private static Optional<ClosedPort> refusal(Packet p) {
        return ClosedPort.of(SS, p);
    }

    @Test
    void aSynToAPortNothingListensOnIsRefusedWithARst() {
        ClosedPort c = refusal(Pkt.tcp("172.18.0.1", 44001, "172.18.0.2", 8081).flags(Packet.SYN).build()).orElseThrow();
        assertEquals("delivered locally, but no socket listens on 172.18.0.2:8081 (tcp, ss): the kernel answers with a RST",
                c.note());
        assertEquals(List.of(), c.elsewhere());
    }

    @Test
    void aListenerOnLoopbackOnlyDoesNotTakeASynToTheNodeAddress() {
        ClosedPort c = refusal(Pkt.tcp("172.18.0.1", 44002, "172.18.0.2", 10248).flags(Packet.SYN).build()).orElseThrow();
        assertEquals(List.of("127.0.0.1:10248"), c.elsewhere());
        assertTrue(c.note().endsWith("; on that port 127.0.0.1:10248 listens, bound to that address only"), c.note());
        assertTrue(refusal(Pkt.tcp("127.0.0.1", 44002, "127.0.0.1", 10248).in("lo").flags(Packet.SYN).build()).isEmpty());
    }

    @Test
    void wildcardListenersOfEitherSpellingTakeTheSyn() {
        assertTrue(refusal(Pkt.tcp("172.18.0.1", 44000, "172.18.0.2", 10250).flags(Packet.SYN).build()).isEmpty());
        assertTrue(refusal(Pkt.tcp("172.18.0.1", 44000, "172.18.0.2", 9100).flags(Packet.SYN).build()).isEmpty());
        assertTrue(refusal(Pkt.tcp("fd00:18::1", 44000, "fd00:18::2", 9100).flags(Packet.SYN).build()).isEmpty());
        assertTrue(refusal(Pkt.tcp("fd00:18::1", 44000, "fd00:18::2", 10250).flags(Packet.SYN).build()).isPresent());
    }

    @Test
    void aListenerBoundToAnotherDeviceDoesNotTakeTheSyn() {
        assertTrue(refusal(Pkt.tcp("10.0.0.1", 1, "10.0.0.9", 8443).in("eth1").flags(Packet.SYN).build()).isEmpty());
        assertTrue(refusal(Pkt.tcp("10.0.0.1", 1, "10.0.0.9", 8443).in("eth0").flags(Packet.SYN).build()).isPresent());
    }

    @Test
    void aDatagramToAClosedUdpPortGetsPortUnreachable() {
        ClosedPort c = refusal(Pkt.udp("172.18.0.1", 44004, "172.18.0.2", 8126).build()).orElseThrow();
        assertTrue(c.note().endsWith("(udp, ss): the kernel answers with ICMP port unreachable (rate-limited)"), c.note());
        assertTrue(refusal(Pkt.udp("172.18.0.1", 44003, "172.18.0.2", 8125).build()).isEmpty());
        assertTrue(refusal(Pkt.tcp("172.18.0.1", 44003, "172.18.0.2", 8125).flags(Packet.SYN).build()).isPresent());
    }

    @Test
    void onlyConnectionOpeningSegmentsAreJudgedAndNothingWithoutATable() {
        Packet ack = Pkt.tcp("172.18.0.1", 44001, "172.18.0.2", 8081).flags(Packet.ACK).build();
        Packet synAck = Pkt.tcp("172.18.0.1", 44001, "172.18.0.2", 8081).flags(Packet.SYN | Packet.ACK).build();
        assertTrue(refusal(ack).isEmpty());
        assertTrue(refusal(synAck).isEmpty());
        assertTrue(ClosedPort.of(Optional.empty(), Pkt.tcp("172.18.0.1", 1, "172.18.0.2", 8081).flags(Packet.SYN).build())
                .isEmpty());
    }
}
