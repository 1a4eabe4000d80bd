package io.pktpath.parser.sockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SsParserTest {
    /** ss -tlnp of iproute2 6.x (the header's "Peer Address:PortProcess" is glued as ss prints it). */
    private static final String TLNP = """
            State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
            LISTEN 0      4096   127.0.0.53%lo:53         0.0.0.0:*    users:(("systemd-resolve",pid=612,fd=14))
            LISTEN 0      128          0.0.0.0:22         0.0.0.0:*    users:(("sshd",pid=901,fd=3))
            LISTEN 0      16           0.0.0.0:15006      0.0.0.0:*    users:(("python3",pid=27130,fd=3))
            LISTEN 0      4096       127.0.0.1:15000      0.0.0.0:*
            LISTEN 0      128             [::]:22            [::]:*    users:(("sshd",pid=901,fd=4))
            LISTEN 0      4096               *:15090            *:*    users:(("envoy",pid=77,fd=40))
            LISTEN 0      5      [::ffff:10.1.2.3]:8443          *:*
            """;

    /** ss -tulnpe -m: Netid column, -e fields on the row, -m's skmem on an indented continuation line, a unix socket. */
    private static final String TULNPEM = """
            Netid State  Recv-Q Send-Q      Local Address:Port  Peer Address:Port Process
            udp   UNCONN 0      0           127.0.0.53%lo:53         0.0.0.0:*     users:(("systemd-resolve",pid=612,fd=13)) uid:991 ino:2311 sk:1 cgroup:/system.slice <->
            \t skmem:(r0,rb212992,t0,tb212992,f0,w0,o0,bl0,d0)
            udp   UNCONN 0      0      [fe80::5054:ff:fe12:3456]%eth0:546      [::]:*     users:(("systemd-network",pid=540,fd=21))
            tcp   LISTEN 0      128               0.0.0.0:22         0.0.0.0:*     users:(("sshd",pid=901,fd=3)) ino:1234 sk:4 <->
            u_str LISTEN 0      4096  /run/systemd/private 1234            * 0     users:(("systemd",pid=1,fd=14))
            tcp   ESTAB  0      0               10.0.0.5:22        10.0.0.9:51514 timer:(keepalive,119min,0)
            tcp   LISTEN 0      128    10.0.0.5:abc            0.0.0.0:*
            tcp   LISTEN 0      128               :::2379              :::*
            """;

    @Test
    void readsTheListenersOfSsTlnpWithScopedMappedAndWildcardAddresses() {
        Parsed<SocketTable> p = SsParser.parse("ss-tlnp.txt", TLNP);
        assertEquals(List.of(), p.diagnostics());
        List<ListeningSocket> s = p.value().sockets();
        assertEquals(List.of("127.0.0.53%lo:53", "0.0.0.0:22", "0.0.0.0:15006", "127.0.0.1:15000", "[::]:22", "*:15090",
                "[::ffff:10.1.2.3]:8443"), s.stream().map(ListeningSocket::localText).toList());
        assertTrue(s.stream().allMatch(x -> x.protocol() == SocketProtocol.TCP && x.isListening()));
        assertEquals(Optional.of("lo"), s.get(0).local().device());
        assertTrue(s.get(2).local().isWildcard() && s.get(2).local().acceptsV4() && !s.get(2).local().acceptsV6());
        assertTrue(!s.get(4).local().acceptsV4() && s.get(4).local().acceptsV6());
        assertTrue(s.get(5).local().acceptsV4() && s.get(5).local().acceptsV6());
        assertEquals("users:((\"sshd\",pid=901,fd=3))", s.get(1).process());
        assertEquals("", s.get(3).process());
    }

    @Test
    void readsNetidRowsSkipsOtherSocketsAndReportsTheBadRowByFileLineAndColumn() {
        Parsed<SocketTable> p = SsParser.parse("ss_-tulnpem", TULNPEM);
        List<ListeningSocket> s = p.value().sockets();
        assertEquals(List.of("udp UNCONN 127.0.0.53%lo:53", "udp UNCONN [fe80::5054:ff:fe12:3456]%eth0:546",
                "tcp LISTEN 0.0.0.0:22", "tcp ESTAB 10.0.0.5:22", "tcp LISTEN [::]:2379"),
                s.stream().map(x -> x.protocol().label() + " " + x.state() + " " + x.localText()).toList());
        assertTrue(s.get(0).process().endsWith("uid:991 ino:2311 sk:1 cgroup:/system.slice <->"));
        assertEquals(List.of(s.get(2), s.get(4)), p.value().listeners(SocketProtocol.TCP));
        assertEquals(1, p.diagnostics().size());
        Diagnostic d = p.diagnostics().get(0);
        assertEquals("bad-socket-port", d.code());
        assertEquals("ss_-tulnpem", d.span().file());
        assertEquals(8, d.span().line());
        assertTrue(d.message().contains("'abc'"), d.message());
        assertEquals("a numeric port (ss -n)", d.expected());
    }

    @Test
    void withoutTheNetidColumnUnconnIsUdpAndShortOrForeignLinesAreDiagnosed() {
        Parsed<SocketTable> p = SsParser.parse("ss", """
                UNCONN 0 0 0.0.0.0:68 0.0.0.0:*
                LISTEN 0 128 0.0.0.0:80
                Cannot open netlink socket: Protocol not supported
                tcp BOGUS 0 0 0.0.0.0:1 0.0.0.0:*
                """);
        assertEquals(List.of(SocketProtocol.UDP), p.value().sockets().stream().map(ListeningSocket::protocol).toList());
        assertEquals(List.of("bad-ss-line:2", "ss-complaint:3", "bad-socket-state:4"),
                p.diagnostics().stream().map(d -> d.code() + ":" + d.span().line()).toList());
        assertFalse(p.diagnostics().get(0).expected().isEmpty());
        assertTrue(p.diagnostics().get(1).message().startsWith("ss printed 'Cannot open netlink socket: Protocol not"
                + " supported'"), p.diagnostics().get(1).message());
    }

    @Test
    void everyComplaintTheSnifferSkipsIsNotedNotParsed() {
        Parsed<SocketTable> p = SsParser.parse("ss", """
                Dump terminated
                Netid State  Recv-Q Send-Q Local Address:Port Peer Address:Port
                tcp   LISTEN 0      128    0.0.0.0:22         0.0.0.0:*
                Error: Operation not supported
                RTNETLINK answers: Invalid argument
                """);
        assertEquals(1, p.value().sockets().size());
        assertEquals(List.of("ss-complaint:1", "ss-complaint:4", "ss-complaint:5"),
                p.diagnostics().stream().map(d -> d.code() + ":" + d.span().line()).toList());
    }

    @Test
    void mergingTwoListingsKeepsEachSocketOnce() {
        SocketTable t = SsParser.parse("a", TLNP).value();
        SocketTable u = SsParser.parse("b", TULNPEM).value();
        SocketTable merged = t.merge(u);
        assertEquals(t.sockets().size() + u.sockets().size() - 1, merged.sockets().size());
    }
}
