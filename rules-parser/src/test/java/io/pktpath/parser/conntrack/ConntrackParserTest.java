package io.pktpath.parser.conntrack;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConntrackParserTest {
    private static final String TOOLS = """
            tcp      6 431999 ESTABLISHED src=10.244.1.2 dst=10.96.0.10 sport=40000 dport=80 src=10.244.1.3 dst=10.244.1.2 sport=8080 dport=40000 [ASSURED] mark=0 use=1
            udp      17 28 src=10.244.1.2 dst=10.96.0.53 sport=5353 dport=53 [UNREPLIED] src=10.96.0.53 dst=10.244.1.2 sport=53 dport=5353 mark=4096 zone=3 use=1
            icmp     1 29 src=10.0.0.1 dst=10.0.0.2 type=8 code=0 id=1234 src=10.0.0.2 dst=10.0.0.1 type=0 code=0 id=1234 mark=0 secctx=system_u:object_r:unlabeled_t:s0 use=1 id=3894720211
            tcp      6 118 SYN_SENT src=fd00::1 dst=fd00::2 sport=50000 dport=443 packets=1 bytes=80 [UNREPLIED] src=fd00::2 dst=fd00::1 sport=443 dport=50000 packets=0 bytes=0 mark=0 use=1
            conntrack v1.4.7 (conntrack-tools): 4 flow entries have been shown.
            """;

    @Test
    void conntrackToolsFormatReadsTuplesStatesAndFlags() throws Exception {
        Parsed<List<ConntrackEntry>> p = ConntrackParser.parse("conntrack-L.txt", TOOLS);
        assertEquals(List.of("conntrack-L.txt:5: note[conntrack-summary]: conntrack v1.4.7 (conntrack-tools): 4 flow "
                + "entries have been shown."), p.diagnostics().stream().map(Diagnostic::headline).toList());
        List<ConntrackEntry> e = p.value();
        assertEquals(4, e.size());
        ConntrackEntry tcp = e.get(0);
        assertEquals("tcp", tcp.protocol());
        assertEquals(6, tcp.protocolNumber());
        assertEquals(431999L, tcp.timeout());
        assertEquals(Optional.of("ESTABLISHED"), tcp.state());
        assertEquals(IpAddress.parse("10.96.0.10"), tcp.original().dst());
        assertEquals(IpAddress.parse("10.244.1.3"), tcp.reply().src());
        assertEquals(Optional.of(8080), tcp.reply().sport());
        assertTrue(tcp.assured());
        assertEquals(Optional.of(1), tcp.use());
        ConntrackEntry udp = e.get(1);
        assertEquals(Optional.empty(), udp.state());
        assertTrue(udp.unreplied());
        assertFalse(udp.assured());
        assertEquals(4096L, udp.mark());
        assertEquals(Optional.of(3), udp.zone());
        ConntrackEntry icmp = e.get(2);
        assertEquals(Optional.of(8), icmp.original().icmpType());
        assertEquals(Optional.of(1234), icmp.reply().icmpId());
        assertEquals(Optional.of("system_u:object_r:unlabeled_t:s0"), icmp.secctx());
        ConntrackEntry v6 = e.get(3);
        assertEquals(IpFamily.V6, v6.family());
        assertEquals(Optional.of(1L), v6.original().packets());
        assertEquals(Optional.of(80L), v6.original().bytes());
    }

    @Test
    void procNfConntrackFormatCarriesTheFamily() {
        String proc = "ipv4     2 tcp      6 117 TIME_WAIT src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 "
                + "dst=10.0.0.1 sport=2 dport=1 [ASSURED] mark=0 zone=0 use=2\n"
                + "ipv6     10 udp      17 25 src=fd00::1 dst=fd00::2 sport=3 dport=4 [UNREPLIED] src=fd00::2 dst=fd00::1 "
                + "sport=4 dport=3 mark=0 zone=0 use=2\n";
        Parsed<List<ConntrackEntry>> p = ConntrackParser.parse("nf_conntrack", proc);
        assertEquals(List.of(), p.diagnostics());
        assertEquals(List.of(IpFamily.V4, IpFamily.V6), p.value().stream().map(ConntrackEntry::family).toList());
        assertEquals(Optional.of("TIME_WAIT"), p.value().get(0).state());
        assertEquals(Set.of("UNREPLIED"), p.value().get(1).flags());
    }

    @Test
    void lineMissingItsReplyTupleOrTruncatedIsDiagnosed() {
        String text = "tcp      6 100 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 mark=0 use=1\n"
                + "udp      17\n"
                + "udp      17 30 src=10.0.0.1 dst=10.0.0.999 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1\n";
        Parsed<List<ConntrackEntry>> p = ConntrackParser.parse("ct.txt", text);
        assertEquals(0, p.value().size());
        assertEquals(List.of(
                "ct.txt:1:82: error[missing-tuple]: entry lacks its reply tuple (expected: an original and a reply "
                        + "tuple, each with src= and dst=)",
                "ct.txt:2:12: error[missing-tuple]: line ends before the tuples (truncated?) (expected: PROTO NUM "
                        + "TIMEOUT [STATE] src=... dst=... src=... dst=...)",
                "ct.txt:3:33: error[bad-address]: '10.0.0.999' is not an IPv4 address (expected: four dotted decimal "
                        + "octets 0-255, such as 10.0.0.1)"),
                p.diagnostics().stream().map(Diagnostic::headline).toList());
    }

    @Test
    void statsLinesSumPerCpu() {
        String text = "cpu=0   \tfound=3 invalid=7 insert=0 insert_failed=1 drop=1 early_drop=0 error=0 search_restart=2 "
                + "clash_resolve=4 chaintoolong=0\n"
                + "cpu=1   \tfound=1 invalid=2 insert=0 insert_failed=0 drop=0 early_drop=0 error=0 search_restart=0 "
                + "clash_resolve=1 chaintoolong=0\n";
        Parsed<ConntrackStats> p = ConntrackStatsParser.parse("conntrack-S.txt", text);
        assertEquals(List.of(), p.diagnostics());
        ConntrackStats s = p.value();
        assertEquals(2, s.cpus().size());
        assertEquals(4L, s.found());
        assertEquals(9L, s.invalid());
        assertEquals(1L, s.insertFailed());
        assertEquals(1L, s.drop());
        assertEquals(5L, s.clashResolve());
        assertEquals(Map.of("found", 4L, "invalid", 9L, "insert", 0L, "insert_failed", 1L, "drop", 1L, "early_drop", 0L,
                "error", 0L, "search_restart", 2L, "clash_resolve", 5L, "chaintoolong", 0L), s.totals());
        Parsed<ConntrackStats> bad = ConntrackStatsParser.parse("s.txt", "cpu=0 found=x\n");
        assertEquals(List.of("s.txt:1:13: error[bad-number]: 'x' is not a number in 0-9223372036854775807 (expected: a "
                + "number 0-9223372036854775807)"), bad.diagnostics().stream().map(Diagnostic::headline).toList());
    }
}
