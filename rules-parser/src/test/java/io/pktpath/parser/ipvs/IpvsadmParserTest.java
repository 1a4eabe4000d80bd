package io.pktpath.parser.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.net.IpAddress;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Both forms of ipvsadm's output: {@code ipvsadm -Ln} and {@code ipvsadm-save -n}. */
class IpvsadmParserTest {
    private static final String LISTING = """
            IP Virtual Server version 1.2.1 (size=4096)
            Prot LocalAddress:Port Scheduler Flags
              -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
            TCP  10.96.0.1:443 rr
              -> 172.18.0.2:6443              Masq    1      3          0
            TCP  10.96.0.10:80 rr persistent 10800
              -> 10.244.1.3:8080              Masq    1      0          0
              -> 10.244.1.4:8080              Route   2      0          0
              -> 10.244.1.5:8080              Tunnel  3      0          0
            UDP  10.96.0.10:53 sh (flag-1,flag-2)
              -> 127.0.0.1:53                 Local   1      0          0
            SCTP 10.96.0.20:3868 wlc
            TCP  [fd00:10:96::1]:443 rr
              -> [fd00:10:244:1::5]:8443      Masq    1      0          0
            FWM  1 rr
              -> 10.244.1.3:0                 Masq    1      0          0
            """;

    private static final String SAVE = """
            -A -t 10.96.0.1:443 -s rr
            -a -t 10.96.0.1:443 -r 172.18.0.2:6443 -m -w 1
            -A -t 10.96.0.10:80 -s rr -p 10800
            -a -t 10.96.0.10:80 -r 10.244.1.3:8080 -m -w 1
            -a -t 10.96.0.10:80 -r 10.244.1.4:8080 -g -w 2
            -a -t 10.96.0.10:80 -r 10.244.1.5:8080 -i -w 3
            -A -u 10.96.0.10:53 -s sh
            -a -u 10.96.0.10:53 -r 10.244.1.9:53
            -A --sctp-service 10.96.0.20:3868 -s wlc
            -A -t [fd00:10:96::1]:443 -s rr
            -a -t [fd00:10:96::1]:443 -r [fd00:10:244:1::5]:8443 -m -w 1
            -A -f 1 -s rr
            -a -f 1 -r 10.244.1.3:0 -m -w 1
            """;

    private static IpAddress ip(String text) throws InvalidValueException {
        return IpAddress.parse(text);
    }

    @Test
    void readsTheListing() throws Exception {
        Parsed<IpvsTable> p = IpvsadmParser.parse("ipvsadm.txt", LISTING);
        assertEquals(List.of(), p.diagnostics());
        List<VirtualService> s = p.value().services();
        assertEquals(List.of("TCP 10.96.0.1:443", "TCP 10.96.0.10:80", "UDP 10.96.0.10:53", "SCTP 10.96.0.20:3868",
                "TCP [fd00:10:96::1]:443", "FWM 1"), s.stream().map(VirtualService::name).toList());
        VirtualService web = s.get(1);
        assertEquals("rr", web.scheduler());
        assertEquals(OptionalInt.of(10800), web.persistenceSeconds());
        assertEquals(6, web.line());
        assertEquals(List.of(new RealServer(ip("10.244.1.3"), 8080, ForwardMethod.MASQ, 1),
                new RealServer(ip("10.244.1.4"), 8080, ForwardMethod.ROUTE, 2),
                new RealServer(ip("10.244.1.5"), 8080, ForwardMethod.TUNNEL, 3)), web.realServers());
        assertEquals(OptionalInt.empty(), s.get(0).persistenceSeconds());
        assertEquals(List.of(new RealServer(ip("127.0.0.1"), 53, ForwardMethod.LOCAL, 1)), s.get(2).realServers());
        assertEquals("sh", s.get(2).scheduler());
        assertEquals(IpvsProtocol.SCTP, s.get(3).protocol());
        assertEquals(List.of(), s.get(3).realServers());
        assertEquals(ip("fd00:10:96::1"), s.get(4).address().orElseThrow());
        assertEquals("[fd00:10:244:1::5]:8443", s.get(4).realServers().get(0).endpoint());
        assertEquals(1, s.get(5).fwmark());
        assertTrue(s.get(5).address().isEmpty());
        assertTrue(web.matches(ip("10.96.0.10"), 6, 80));
        assertTrue(!web.matches(ip("10.96.0.10"), 17, 80) && !web.matches(ip("10.96.0.10"), 6, 81));
        assertEquals(7, p.value().realServerCount());
    }

    @Test
    void readsTheSavedFormIntoTheSameModel() {
        Parsed<IpvsTable> saved = IpvsadmParser.parse("ipvsadm-save.txt", SAVE);
        assertEquals(List.of(), saved.diagnostics());
        List<VirtualService> listed = IpvsadmParser.parse("ipvsadm.txt", LISTING).value().services();
        List<VirtualService> s = saved.value().services();
        assertEquals(listed.size(), s.size());
        for (int i = 0; i < s.size(); i++) {
            assertEquals(listed.get(i).name(), s.get(i).name());
            assertEquals(listed.get(i).scheduler(), s.get(i).scheduler());
            assertEquals(listed.get(i).persistenceSeconds(), s.get(i).persistenceSeconds());
            if (i != 2) {
                assertEquals(listed.get(i).realServers(), s.get(i).realServers(), listed.get(i).name());
            }
        }
        // without -g/-i/-m and -w, ipvsadm adds a real server with direct routing and weight 1
        assertEquals(List.of(new RealServer(IpAddress.v4(0x0af40109), 53, ForwardMethod.ROUTE, 1)),
                s.get(2).realServers());
        assertEquals(3, s.get(1).line());
    }

    @Test
    void aBadLineIsAnErrorWithItsLineAndTheRestIsKept() {
        String text = """
                IP Virtual Server version 1.2.1 (size=4096)
                Prot LocalAddress:Port Scheduler Flags
                  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
                TCP  10.96.0.1:443 rr
                  -> 172.18.0.2:6443              Bogus   1      0          0
                ICMP 10.96.0.2:0 rr
                TCP  10.96.0.300:80 rr
                TCP  10.96.0.10:80 rr
                  -> 10.244.1.3:8080              Masq    1      0          0
                """;
        Parsed<IpvsTable> p = IpvsadmParser.parse("ipvs.txt", text);
        List<Diagnostic> d = p.diagnostics();
        assertEquals(List.of(5, 6, 7), d.stream().map(x -> x.span().line()).toList(), d.toString());
        assertTrue(d.stream().allMatch(Diagnostic::isError));
        assertEquals("ipvs.txt:5: error[bad-ipvsadm-line]: unknown forward method 'Bogus' (expected: Masq, Route, "
                + "Tunnel or Local)", d.get(0).headline());
        assertTrue(d.get(1).expected().contains("TCP  10.96.0.1:443 rr"), d.get(1).headline());
        assertTrue(d.get(2).message().contains("10.96.0.300"), d.get(2).headline());
        assertEquals(List.of("TCP 10.96.0.1:443", "TCP 10.96.0.10:80"),
                p.value().services().stream().map(VirtualService::name).toList());
        assertEquals(List.of(), p.value().services().get(0).realServers());
        assertEquals(1, p.value().services().get(1).realServers().size());
    }

    @Test
    void aSavedRealServerOfNoServiceAndAnUnknownOptionAreErrors() {
        String text = """
                -A -t 10.96.0.1:443 -s rr
                -a -t 10.96.0.9:443 -r 10.244.1.3:8080 -m -w 1
                -A -u 10.96.0.10:53 -s rr --frobnicate
                -a -t 10.96.0.1:443 -r 10.244.1.3:8080 -m -w 1
                """;
        Parsed<IpvsTable> p = IpvsadmParser.parse("save.txt", text);
        assertEquals(List.of(2, 3), p.diagnostics().stream().map(x -> x.span().line()).toList());
        assertTrue(p.diagnostics().get(0).message().contains("TCP 10.96.0.9:443"), p.diagnostics().toString());
        assertEquals(1, p.value().services().size());
        assertEquals(1, p.value().services().get(0).realServers().size());
    }

    @Test
    void malformedEndpointsAreErrorsNotExceptions() {
        String text = String.join("\n", "TCP  []:80 rr", "TCP  :80 rr", "TCP  10.0.0.1: rr", "TCP  [::1]:99999 rr",
                "TCP  [::1 rr", "FWM  0x rr", "TCP  10.0.0.1:80", "-A -t", "-a -t 10.0.0.1:80", "->", "  -> x");
        Parsed<IpvsTable> p = IpvsadmParser.parse("f", text);
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), p.diagnostics().stream().map(d -> d.span().line()).toList(),
                p.diagnostics().toString());
        assertEquals(List.of(), p.value().services());
    }
}
