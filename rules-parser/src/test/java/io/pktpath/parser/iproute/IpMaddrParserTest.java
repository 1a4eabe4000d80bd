package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpMaddrParserTest {
    private static IpAddress ip(String text) throws Exception {
        return IpAddress.parse(text);
    }

    @Test
    void theRecordedListingOfMulticastReports() throws Exception {
        Path file = Path.of("../samples/bundles/multicast-reports/ip-maddr.txt");
        Parsed<List<MulticastGroups>> p = IpMaddrParser.parse("ip-maddr.txt", Files.readString(file));
        assertEquals(List.of(), p.diagnostics());
        List<MulticastGroups> all = p.value();
        assertEquals(List.of("lo", "cali62608e08adc"), all.stream().map(MulticastGroups::dev).toList());
        assertEquals(List.of(1, 2), all.stream().map(MulticastGroups::index).toList());
        MulticastGroups lo = all.get(0);
        assertEquals(List.of(), lo.linkAddresses());
        assertEquals(List.of(ip("224.0.0.1"), ip("ff02::1"), ip("ff01::1")),
                lo.groups().stream().map(JoinedGroup::group).toList());
        MulticastGroups cali = all.get(1);
        assertEquals(List.of("33:33:00:00:00:01", "33:33:00:00:00:02", "01:00:5e:00:00:01", "33:33:ff:ee:ee:ee",
                "33:33:ff:00:00:00"), cali.linkAddresses());
        assertEquals(List.of(ip("224.0.0.1"), ip("ff02::1:ff00:0"), ip("ff02::1:ffee:eeee"), ip("ff02::2"),
                ip("ff02::1"), ip("ff01::1")), cali.groups().stream().map(JoinedGroup::group).toList());
        assertEquals(SourceSpan.line("ip-maddr.txt", 5), cali.span());
        assertEquals(new SourceSpan("ip-maddr.txt", 11, 0), cali.groups().get(0).span());
        assertEquals("inet  224.0.0.1", cali.groups().get(0).text());
        assertTrue(cali.find(ip("ff02::1:ffee:eeee")).isPresent());
        assertFalse(cali.find(ip("239.1.1.1")).isPresent());
        assertFalse(cali.find(ip("ff02::1:3")).isPresent());
        assertTrue(cali.lists(IpFamily.V4) && cali.lists(IpFamily.V6));
    }

    @Test
    void usersStaticOtherFamiliesOnelineAndARepeatedIndex() throws Exception {
        String text = "1:\tlo\n\tinet  224.0.0.1\n"
                + "3:\teth0\n\tlink  01:00:5E:00:00:01 users 2 static\n\tinet  239.1.1.1 users 3 dynamic\n"
                + "\tinet6 ff05::1:3\n\tfamily 99 ?\n"
                + "4:\tveryverylongname0:\n\tinet  224.0.0.1\n"
                + "4:\tveryverylongname0\n\tinet6 ff02::1\n"
                + "5:\teth1\\\tinet  224.0.0.1\n5:\teth1\\\tinet6 ff02::1 users 4\n";
        Parsed<List<MulticastGroups>> p = IpMaddrParser.parse("maddr", text);
        assertEquals(List.of(), p.diagnostics());
        List<MulticastGroups> all = p.value();
        assertEquals(List.of("lo", "eth0", "veryverylongname0", "eth1"), all.stream().map(MulticastGroups::dev).toList());
        MulticastGroups eth0 = all.get(1);
        assertEquals(List.of("01:00:5e:00:00:01"), eth0.linkAddresses());
        JoinedGroup g = eth0.find(ip("239.1.1.1")).orElseThrow();
        assertEquals(3, g.users());
        assertEquals(List.of("dynamic"), g.words());
        assertEquals(1, eth0.find(ip("ff05::1:3")).orElseThrow().users());
        assertEquals(2, eth0.groups().size());
        assertEquals(List.of(ip("224.0.0.1"), ip("ff02::1")),
                all.get(2).groups().stream().map(JoinedGroup::group).toList());
        MulticastGroups eth1 = all.get(3);
        assertEquals(List.of(ip("224.0.0.1"), ip("ff02::1")), eth1.groups().stream().map(JoinedGroup::group).toList());
        assertEquals(4, eth1.groups().get(1).users());
        assertEquals(List.of(), all.get(0).groups().get(0).words());
        assertFalse(all.get(0).lists(IpFamily.V6));
    }

    @Test
    void badLinesBecomeDiagnosticsNamingFileLineAndExpectation() throws Exception {
        String text = "\tinet  224.0.0.1\n"
                + "x:\teth9\n\tinet  224.0.0.2\n"
                + "2:\teth0\n"
                + "\tinet  10.0.0.1\n"
                + "\tinet6 224.0.0.5\n"
                + "\tinet  not-an-address\n"
                + "\tinet\n"
                + "\tlink\n"
                + "\tether 00:11:22:33:44:55\n"
                + "\tinet  224.0.0.1 users many\n"
                + "\tinet  239.2.2.2\n"
                + "3:\n";
        Parsed<List<MulticastGroups>> p = IpMaddrParser.parse("ip-maddr.txt", text);
        assertEquals(List.of("orphan-line", "bad-header", "bad-address", "bad-address", "bad-address", "missing-value",
                "missing-value", "unknown-keyword", "bad-number", "missing-value"),
                p.diagnostics().stream().map(Diagnostic::code).toList());
        assertTrue(p.diagnostics().stream().allMatch(Diagnostic::isError));
        assertEquals(List.of(1, 2, 5, 6, 7, 8, 9, 10, 11, 13),
                p.diagnostics().stream().map(d -> d.span().line()).toList());
        Diagnostic notMulticast = p.diagnostics().get(2);
        assertEquals("ip-maddr.txt", notMulticast.span().file());
        assertEquals(8, notMulticast.span().column());
        assertEquals("'10.0.0.1' is not an IPv4 multicast group", notMulticast.message());
        assertEquals("a group in 224.0.0.0/4", notMulticast.expected());
        assertEquals("link, inet or inet6 followed by an address", p.diagnostics().get(7).expected());
        // the good lines are kept: eth9's block is skipped after its bad header, eth0 keeps 239.2.2.2
        assertEquals(List.of("eth0"), p.value().stream().map(MulticastGroups::dev).toList());
        assertEquals(List.of(ip("239.2.2.2")), p.value().get(0).groups().stream().map(JoinedGroup::group).toList());
    }
}
