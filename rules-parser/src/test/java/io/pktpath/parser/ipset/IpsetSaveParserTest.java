package io.pktpath.parser.ipset;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IpsetSaveParserTest {
    private static final String SAVE = """
            create allow hash:ip family inet hashsize 1024 maxelem 65536 timeout 300 counters comment bucketsize 12 initval 0x5e0a9b1c
            add allow 10.0.0.1 timeout 250 packets 4 bytes 240 comment "web server"
            add allow 10.0.0.2 timeout 0 packets 0 bytes 0 comment "db"
            create nets hash:net family inet hashsize 1024 maxelem 65536
            add nets 10.1.0.0/16
            add nets 10.1.2.0/24 nomatch
            create nets6 hash:net family inet6 hashsize 1024 maxelem 65536
            add nets6 fd00:1::/64
            create svc hash:ip,port family inet hashsize 1024 maxelem 65536
            add svc 10.96.0.10,udp:53
            add svc 10.96.0.10,tcp:53
            add svc 10.96.0.1,443
            add svc 10.96.0.20,icmp:8/0
            create hairpin hash:ip,port,ip family inet hashsize 1024 maxelem 65536
            add hairpin 10.244.1.3,tcp:8080,10.244.1.3
            create srcnet hash:net,port family inet hashsize 1024 maxelem 65536
            add srcnet 192.168.0.0/16,tcp:22
            create lowports bitmap:port range 0-1024
            add lowports 22
            add lowports 80
            create both list:set size 8
            add both allow
            add both nets
            """;

    private static SetProbe.Address ip(String s) throws Exception {
        return new SetProbe.Address(IpAddress.parse(s));
    }

    @Test
    void everySetTypeIsReadWithItsOptions() {
        Parsed<IpSets> p = IpsetSaveParser.parse("ipset.txt", SAVE);
        assertEquals(List.of(), p.diagnostics());
        IpSets sets = p.value();
        assertEquals(List.of("allow", "both", "hairpin", "lowports", "nets", "nets6", "srcnet", "svc"),
                List.copyOf(sets.sets().keySet()));
        IpSet allow = sets.get("allow").orElseThrow();
        assertEquals("300", allow.options().get("timeout"));
        assertEquals("", allow.options().get("counters"));
        SetEntry web = allow.entries().get(0);
        assertEquals(Optional.of("web server"), web.comment());
        assertEquals(Optional.of(250L), web.timeout());
        assertEquals(Optional.of(4L), web.packets());
        assertEquals(Optional.of(240L), web.bytes());
        assertEquals(IpFamily.V6, sets.get("nets6").orElseThrow().family());
        assertEquals(4, sets.get("svc").orElseThrow().entries().size());
        assertEquals(Map.of("range", "0-1024"), sets.get("lowports").orElseThrow().options());
    }

    @Test
    void membershipFollowsDimensionsNomatchAndListSets() throws Exception {
        IpSets sets = IpsetSaveParser.parse("ipset.txt", SAVE).value();
        assertEquals(SetMembership.MEMBER, sets.contains("allow", List.of(ip("10.0.0.1"))));
        assertEquals(SetMembership.NOT_MEMBER, sets.contains("allow", List.of(ip("10.0.0.3"))));
        assertEquals(SetMembership.MEMBER, sets.contains("nets", List.of(ip("10.1.9.9"))));
        assertEquals(SetMembership.NOMATCH, sets.contains("nets", List.of(ip("10.1.2.3"))));
        assertEquals(SetMembership.MEMBER, sets.contains("nets6", List.of(ip("fd00:1::5"))));
        assertEquals(SetMembership.MEMBER, sets.contains("svc", List.of(ip("10.96.0.10"), new SetProbe.Port(17, 53))));
        assertEquals(SetMembership.NOT_MEMBER, sets.contains("svc", List.of(ip("10.96.0.1"), new SetProbe.Port(17, 443))));
        assertEquals(SetMembership.MEMBER, sets.contains("svc", List.of(ip("10.96.0.1"), new SetProbe.Port(6, 443))));
        assertEquals(SetMembership.MEMBER, sets.contains("svc", List.of(ip("10.96.0.20"), new SetProbe.Port(1, 8 << 8))));
        assertEquals(SetMembership.MEMBER, sets.contains("hairpin",
                List.of(ip("10.244.1.3"), new SetProbe.Port(6, 8080), ip("10.244.1.3"))));
        assertEquals(SetMembership.NOT_MEMBER, sets.contains("hairpin",
                List.of(ip("10.244.1.3"), new SetProbe.Port(6, 8080), ip("10.244.1.4"))));
        assertEquals(SetMembership.MEMBER, sets.contains("srcnet", List.of(ip("192.168.5.5"), new SetProbe.Port(6, 22))));
        assertEquals(SetMembership.MEMBER, sets.contains("lowports", List.of(new SetProbe.Port(17, 80))));
        assertEquals(SetMembership.NOT_MEMBER, sets.contains("lowports", List.of(new SetProbe.Port(6, 443))));
        assertEquals(SetMembership.MEMBER, sets.contains("both", List.of(ip("10.1.0.1"))));
        assertEquals(SetMembership.NOT_MEMBER, sets.contains("both", List.of(ip("10.9.0.1"))));
        assertEquals(SetMembership.UNKNOWN_SET, sets.contains("nosuch", List.of(ip("10.0.0.1"))));
    }

    @Test
    void addToUndeclaredSetAndBadElementsAreDiagnosed() {
        String text = """
                add ghost 10.0.0.1
                create s hash:ip,port family inet
                add s 10.0.0.1
                add s 10.0.0.1,tcp:99999
                create t hash:foo family inet
                add s 10.0.0.2,tcp:80 timeout
                """;
        Parsed<IpSets> p = IpsetSaveParser.parse("ipset.txt", text);
        assertEquals(List.of(
                "ipset.txt:1:5: error[undeclared-set]: add to set 'ghost' which has no create line before it "
                        + "(expected: a 'create ghost TYPE ...' line before its entries)",
                "ipset.txt:3:7: error[bad-element]: element '10.0.0.1' has 1 part(s) but hash:ip,port has 2 "
                        + "(expected: an element with one part per dimension of hash:ip,port)",
                "ipset.txt:4:7: error[bad-element]: port 99999 in '99999' is above 65535 (expected: a port 0-65535)",
                "ipset.txt:5:10: error[unknown-set-type]: unknown set type 'hash:foo' (expected: a type such as hash:ip, "
                        + "hash:net,port, bitmap:port or list:set)",
                "ipset.txt:6:30: error[missing-value]: line ends early (truncated?) (expected: a timeout in seconds)"),
                p.diagnostics().stream().map(Diagnostic::headline).toList());
        assertEquals(0, p.value().get("s").orElseThrow().entries().size());
    }
}
