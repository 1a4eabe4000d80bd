package io.pktpath.parser.ipset;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.net.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Lookups as the kernel makes them (net/netfilter/ipset) on entries as {@code ipset save} prints them; the sets are those
 * of the ipset-calico recording (samples/bundles/ipset-calico) plus IPv6 twins.
 */
class SetLookupTest {
    private static SetProbe.Address ip(String s) throws Exception {
        return new SetProbe.Address(IpAddress.parse(s));
    }

    private static SetProbe.Port port(int protocol, int port) {
        return new SetProbe.Port(protocol, port);
    }

    private static IpSets parse(String text) {
        Parsed<IpSets> p = IpsetSaveParser.parse("ipset-save.txt", text);
        assertEquals(List.of(), p.diagnostics().stream().map(Diagnostic::headline).toList());
        return p.value();
    }

    @Test
    void icmpNamesAreIpsetsOwnPerFamily() throws Exception {
        IpSets sets = parse("""
                create pkp-allow hash:ip,port family inet hashsize 1024 maxelem 65536
                add pkp-allow 10.244.1.3,icmp:echo-request
                add pkp-allow 10.244.1.3,icmp:timestamp-request
                add pkp-allow 10.244.1.3,icmp:network-unreachable
                add pkp-allow 10.244.1.3,icmp:ttl-zero-during-transit
                add pkp-allow 10.244.1.3,icmp:TOS-host-unreachable
                add pkp-allow 10.244.1.3,icmp:3/13
                create pkp-allow6 hash:ip,port family inet6 hashsize 1024 maxelem 65536
                add pkp-allow6 fd00::3,icmpv6:echo-request
                add pkp-allow6 fd00::3,icmpv6:ttl-zero-during-transit
                add pkp-allow6 fd00::3,icmpv6:neighbour-solicitation
                """);
        for (int typeCode : new int[] {8 << 8, 13 << 8, 3 << 8, 11 << 8, 3 << 8 | 12, 3 << 8 | 13}) {
            assertEquals(SetMembership.MEMBER, sets.contains("pkp-allow", List.of(ip("10.244.1.3"),
                    port(1, typeCode))), "icmp " + (typeCode >> 8) + "/" + (typeCode & 0xff));
        }
        assertEquals(SetMembership.NOT_MEMBER, sets.contains("pkp-allow", List.of(ip("10.244.1.3"),
                port(1, 14 << 8))), "timestamp reply");
        for (int typeCode : new int[] {128 << 8, 3 << 8, 135 << 8}) {
            assertEquals(SetMembership.MEMBER, sets.contains("pkp-allow6", List.of(ip("fd00::3"),
                    port(58, typeCode))), "icmpv6 " + (typeCode >> 8) + "/" + (typeCode & 0xff));
        }
        assertEquals(SetMembership.NOT_MEMBER, sets.contains("pkp-allow6", List.of(ip("fd00::3"),
                port(58, 8 << 8))), "IPv4's echo request number is not ICMPv6's");
    }

    @Test
    void protocolsAreComparedByNumberWhateverNameIpsetPrints() throws Exception {
        IpSets sets = parse("""
                create pkp-allow hash:ip,port family inet hashsize 1024 maxelem 65536
                add pkp-allow 10.244.1.3,gre:0
                add pkp-allow 10.244.1.3,tcp:8080
                add pkp-allow 10.244.1.3,UDP:53
                add pkp-allow 10.244.1.3,132:2905
                create pkp-allow6 hash:ip,port family inet6 hashsize 1024 maxelem 65536
                add pkp-allow6 fd00::3,ipv6-icmp:echo-request
                add pkp-allow6 fd00::3,esp:0
                add pkp-allow6 fd00::3,udplite:5000
                """);
        assertEquals(SetMembership.MEMBER, sets.contains("pkp-allow", List.of(ip("10.244.1.3"), port(47, 0))));
        assertEquals(SetMembership.NOT_MEMBER, sets.contains("pkp-allow", List.of(ip("10.244.1.3"), port(50, 0))));
        assertEquals(SetMembership.MEMBER, sets.contains("pkp-allow", List.of(ip("10.244.1.3"), port(6, 8080))));
        assertEquals(SetMembership.NOT_MEMBER, sets.contains("pkp-allow", List.of(ip("10.244.1.3"), port(17, 8080))));
        assertEquals(SetMembership.MEMBER, sets.contains("pkp-allow", List.of(ip("10.244.1.3"), port(17, 53))));
        assertEquals(SetMembership.MEMBER, sets.contains("pkp-allow", List.of(ip("10.244.1.3"), port(132, 2905))));
        assertEquals(SetMembership.MEMBER, sets.contains("pkp-allow6", List.of(ip("fd00::3"), port(58, 128 << 8))));
        assertEquals(SetMembership.MEMBER, sets.contains("pkp-allow6", List.of(ip("fd00::3"), port(50, 0))));
        assertEquals(SetMembership.MEMBER, sets.contains("pkp-allow6", List.of(ip("fd00::3"), port(136, 5000))));
    }

    @Test
    void unknownProtocolsAndPortsOfPortlessProtocolsAreDiagnosed() {
        Parsed<IpSets> p = IpsetSaveParser.parse("ipset-save.txt", """
                create a hash:ip,port family inet
                add a 10.0.0.1,gre:5
                add a 10.0.0.1,bogus:1
                add a 10.0.0.1,0:0
                add a 10.0.0.1,256:0
                """);
        assertEquals(List.of(
                "ipset-save.txt:2:7: error[bad-element]: protocol gre in 'gre:5' can be used with pseudo port value 0 only "
                        + "(expected: gre:0)",
                "ipset-save.txt:3:7: error[bad-element]: unknown protocol 'bogus' in 'bogus:1' "
                        + "(expected: a protocol name of /etc/protocols such as tcp, udp, icmp or gre, or its number 1-255)",
                "ipset-save.txt:4:7: error[bad-element]: unknown protocol '0' in '0:0' "
                        + "(expected: a protocol name of /etc/protocols such as tcp, udp, icmp or gre, or its number 1-255)",
                "ipset-save.txt:5:7: error[bad-element]: unknown protocol '256' in '256:0' "
                        + "(expected: a protocol name of /etc/protocols such as tcp, udp, icmp or gre, or its number 1-255)"),
                p.diagnostics().stream().map(Diagnostic::headline).toList());
    }

    @Test
    void bitmapPortAnswersForTcpAndUdpOnly() throws Exception {
        IpSets sets = parse("""
                create pkp-webports bitmap:port range 0-9999
                add pkp-webports 53
                add pkp-webports 2048
                add pkp-webports 8080
                add pkp-webports 8081
                """);
        assertEquals(SetMembership.MEMBER, sets.contains("pkp-webports", List.of(port(6, 8080))));
        assertEquals(SetMembership.MEMBER, sets.contains("pkp-webports", List.of(port(17, 53))));
        assertEquals(SetMembership.NOT_MEMBER, sets.contains("pkp-webports", List.of(port(1, 8 << 8))),
                "an echo request's type/code is 2048, but bitmap:port reads no ICMP");
        assertEquals(SetMembership.NOT_MEMBER, sets.contains("pkp-webports", List.of(port(132, 8080))), "sctp");
        assertEquals(SetMembership.NOT_MEMBER, sets.contains("pkp-webports", List.of(port(136, 8080))), "udplite");
    }

    @Test
    void wildcardInterfacesMatchByPrefixAndBridgePortsNever() throws Exception {
        IpSets sets = parse("""
                create pkp-pod-ifaces hash:net,iface family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x40a9c4f9
                add pkp-pod-ifaces 10.244.0.0/16,cali wildcard
                create pkp-out-ifaces hash:net,iface family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x18c0ae5b
                add pkp-out-ifaces 10.244.0.0/16,eth0
                add pkp-out-ifaces 10.244.0.0/16,physdev:veth0
                """);
        SetEntry wildcard = sets.get("pkp-pod-ifaces").orElseThrow().entries().get(0);
        assertEquals(new SetElement.Iface("cali", false, true), wildcard.elements().get(1));
        assertEquals(SetMembership.MEMBER, sets.contains("pkp-pod-ifaces",
                List.of(ip("10.244.1.2"), new SetProbe.Iface("cali62608e08adc"))));
        assertEquals(SetMembership.MEMBER, sets.contains("pkp-pod-ifaces",
                List.of(ip("10.244.1.4"), new SetProbe.Iface("cali"))));
        assertEquals(SetMembership.NOT_MEMBER, sets.contains("pkp-pod-ifaces",
                List.of(ip("10.244.1.2"), new SetProbe.Iface("eth0"))));
        assertEquals(SetMembership.MEMBER, sets.contains("pkp-out-ifaces",
                List.of(ip("10.244.1.2"), new SetProbe.Iface("eth0"))));
        assertEquals(SetMembership.NOT_MEMBER, sets.contains("pkp-out-ifaces",
                List.of(ip("10.244.1.2"), new SetProbe.Iface("eth0.100"))), "no wildcard: the whole name");
        assertEquals(SetMembership.NOT_MEMBER, sets.contains("pkp-out-ifaces",
                List.of(ip("10.244.1.2"), new SetProbe.Iface("veth0"))), "iptables never looks up bridge ports");
    }

    @Test
    void wildcardOutsideAnInterfaceSetIsDiagnosed() {
        Parsed<IpSets> p = IpsetSaveParser.parse("ipset-save.txt", """
                create pkp-block hash:net family inet
                add pkp-block 172.18.5.0/24 wildcard
                """);
        assertEquals(List.of("ipset-save.txt:2:29: error[unknown-keyword]: 'wildcard' is an option of hash:net,iface "
                        + "entries only (expected: no wildcard in a hash:net set)"),
                p.diagnostics().stream().map(Diagnostic::headline).toList());
    }

    @Test
    void netmaskAndBitmaskMaskThePacketAddressBeforeTheLookup() throws Exception {
        IpSets sets = parse("""
                create pkp-ban24 hash:ip family inet hashsize 1024 maxelem 65536 netmask 24 timeout 600 bucketsize 12 initval 0x2939afed
                add pkp-ban24 172.18.6.0 timeout 586
                create ban-bits hash:ip family inet hashsize 1024 maxelem 65536 bitmask 255.255.0.255
                add ban-bits 10.1.0.9
                create ban6 hash:ip family inet6 hashsize 1024 maxelem 65536 netmask 64
                add ban6 fd00:6::
                create pairs hash:net,net family inet hashsize 1024 maxelem 65536 bitmask 255.0.255.0
                add pairs 10.0.2.0/24,10.0.0.0/16
                """);
        assertEquals(SetMembership.MEMBER, sets.contains("pkp-ban24", List.of(ip("172.18.6.5"))), "frame 118");
        assertEquals(SetMembership.MEMBER, sets.contains("pkp-ban24", List.of(ip("172.18.6.0"))));
        assertEquals(SetMembership.NOT_MEMBER, sets.contains("pkp-ban24", List.of(ip("172.18.7.5"))));
        assertEquals(SetMembership.MEMBER, sets.contains("ban-bits", List.of(ip("10.1.77.9"))));
        assertEquals(SetMembership.NOT_MEMBER, sets.contains("ban-bits", List.of(ip("10.2.0.9"))));
        assertEquals(SetMembership.MEMBER, sets.contains("ban6", List.of(ip("fd00:6::1:2"))));
        assertEquals(SetMembership.NOT_MEMBER, sets.contains("ban6", List.of(ip("fd00:7::1:2"))));
        assertEquals(SetMembership.MEMBER, sets.contains("pairs", List.of(ip("10.1.2.5"), ip("10.9.3.3"))));
        assertEquals(SetMembership.NOT_MEMBER, sets.contains("pairs", List.of(ip("10.1.3.5"), ip("10.9.3.3"))));
    }

    @Test
    void badNetmasksAreDiagnosed() {
        Parsed<IpSets> p = IpsetSaveParser.parse("ipset-save.txt", """
                create a hash:ip family inet netmask 33
                create b hash:ip family inet6 netmask 0
                create c hash:ip family inet bitmask 255.255.0
                create d hash:ip family inet bitmask ffff::
                """);
        assertEquals(List.of(
                "ipset-save.txt:1:38: error[bad-netmask]: netmask '33' is not a prefix length 1-32 "
                        + "(expected: a netmask such as 24)",
                "ipset-save.txt:2:39: error[bad-netmask]: netmask '0' is not a prefix length 1-128 "
                        + "(expected: a netmask such as 64)",
                "ipset-save.txt:3:38: error[bad-netmask]: bitmask '255.255.0' is not an IPv4 address "
                        + "(expected: a bitmask such as 255.255.255.0)",
                "ipset-save.txt:4:38: error[bad-netmask]: bitmask 'ffff::' is not an IPv4 address "
                        + "(expected: a bitmask such as 255.255.255.0)"),
                p.diagnostics().stream().map(Diagnostic::headline).toList());
        assertEquals(List.of(), List.copyOf(p.value().sets().keySet()), "a set with a bad mask is left out");
    }

    private static final String BLOCKLISTS = """
            create pkp-block hash:net family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0xdb9e0501
            add pkp-block 172.18.5.0/24
            add pkp-block 172.18.5.7 nomatch
            create pkp-ban24 hash:ip family inet hashsize 1024 maxelem 65536 netmask 24 timeout 600 bucketsize 12 initval 0x2939afed
            add pkp-ban24 172.18.6.0 timeout 586
            create pkp-svc-clients hash:ip,port,net family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x43a2d3b5
            add pkp-svc-clients 10.244.1.3,tcp:8081,10.244.1.4 nomatch
            add pkp-svc-clients 10.244.1.3,tcp:8081,10.244.1.0/24
            create pkp-blocklists list:set size 8
            add pkp-blocklists pkp-block
            add pkp-blocklists pkp-ban24
            """;

    private static Optional<Boolean> test(IpSets sets, String name, boolean returnNomatch, SetProbe... probes) {
        return sets.test(name, set -> Optional.of(List.of(probes)), returnNomatch);
    }

    @Test
    void aNomatchEntryIsAThirdAnswer() throws Exception {
        IpSets sets = parse(BLOCKLISTS);
        assertEquals(SetMembership.MEMBER, sets.contains("pkp-block", List.of(ip("172.18.5.9"))));
        assertEquals(SetMembership.NOMATCH, sets.contains("pkp-block", List.of(ip("172.18.5.7"))));
        assertEquals(SetMembership.NOT_MEMBER, sets.contains("pkp-block", List.of(ip("172.18.6.5"))));
        assertEquals(SetMembership.NOMATCH, sets.contains("pkp-svc-clients",
                List.of(ip("10.244.1.3"), port(6, 8081), ip("10.244.1.4"))));
        assertEquals(SetMembership.MEMBER, sets.contains("pkp-svc-clients",
                List.of(ip("10.244.1.3"), port(6, 8081), ip("10.244.1.2"))));
        assertEquals(SetMembership.NOT_MEMBER, sets.contains("pkp-blocklists", List.of(ip("172.18.5.7"))));
    }

    @Test
    void returnNomatchSwapsMemberAndNomatchInSetsThatHaveNomatchEntries() throws Exception {
        IpSets sets = parse(BLOCKLISTS);
        assertEquals(Optional.of(true), test(sets, "pkp-block", false, ip("172.18.5.9")));
        assertEquals(Optional.of(false), test(sets, "pkp-block", false, ip("172.18.5.7")));
        assertEquals(Optional.of(false), test(sets, "pkp-block", true, ip("172.18.5.9")), "frame 96: a member");
        assertEquals(Optional.of(true), test(sets, "pkp-block", true, ip("172.18.5.7")), "frame 98: the nomatch entry");
        assertEquals(Optional.of(false), test(sets, "pkp-block", true, ip("172.18.6.5")), "in no entry");
        assertEquals(Optional.of(true), test(sets, "pkp-ban24", true, ip("172.18.6.5")), "hash:ip has no nomatch entries");
        assertEquals(Optional.of(false), test(sets, "pkp-blocklists", false, ip("172.18.5.7")));
        assertEquals(Optional.of(true), test(sets, "pkp-blocklists", false, ip("172.18.6.5")));
        assertEquals(Optional.of(true), test(sets, "pkp-blocklists", true, ip("172.18.5.7")),
                "list:set passes the flag to its members");
        assertEquals(Optional.of(true), test(sets, "pkp-blocklists", true, ip("172.18.6.5")));
        assertEquals(Optional.of(false), test(sets, "pkp-blocklists", true, ip("172.18.5.9")));
        assertEquals(Optional.empty(), test(sets, "nosuch", true, ip("172.18.5.9")));
        assertEquals(Optional.of(false), sets.test("pkp-block", set -> Optional.empty(), true),
                "a packet without the set's values (family, too few flags) is in no set");
    }

    @Test
    void nomatchOnATypeWithoutNomatchEntriesIsDiagnosed() {
        Parsed<IpSets> p = IpsetSaveParser.parse("ipset-save.txt", """
                create pkp-ban24 hash:ip family inet netmask 24
                add pkp-ban24 172.18.6.0 nomatch
                """);
        assertEquals(List.of("ipset-save.txt:2:26: error[unknown-keyword]: 'nomatch' is an option of entries of hash types "
                        + "with a net dimension only (expected: no nomatch in a hash:ip set)"),
                p.diagnostics().stream().map(Diagnostic::headline).toList());
    }

    @Test
    void icmpNamesFromTheOtherFamilyOrUnknownAreDiagnosed() {
        Parsed<IpSets> p = IpsetSaveParser.parse("ipset-save.txt", """
                create a hash:ip,port family inet
                add a 10.0.0.1,icmp:neighbour-solicitation
                add a 10.0.0.1,icmp:destination-unreachable
                add a 10.0.0.1,icmpv6:echo-request
                create b hash:ip,port family inet6
                add b fd00::1,icmpv6:timestamp-request
                add b fd00::1,icmp:echo-request
                """);
        assertEquals(List.of(
                "ipset-save.txt:2:7: error[bad-element]: unknown ICMP type 'neighbour-solicitation' "
                        + "(expected: a name of ipset's ICMP table such as echo-request, or TYPE/CODE such as 8/0)",
                "ipset-save.txt:3:7: error[bad-element]: unknown ICMP type 'destination-unreachable' "
                        + "(expected: a name of ipset's ICMP table such as echo-request, or TYPE/CODE such as 8/0)",
                "ipset-save.txt:4:7: error[bad-element]: protocol ICMPv6 in 'icmpv6:echo-request' can be used with family "
                        + "inet6 only (expected: icmp:TYPE in a family inet set)",
                "ipset-save.txt:6:7: error[bad-element]: unknown ICMPv6 type 'timestamp-request' "
                        + "(expected: a name of ipset's ICMPv6 table such as echo-request, or TYPE/CODE such as 128/0)",
                "ipset-save.txt:7:7: error[bad-element]: protocol ICMP in 'icmp:echo-request' can be used with family "
                        + "inet only (expected: icmpv6:TYPE in a family inet6 set)"),
                p.diagnostics().stream().map(Diagnostic::headline).toList());
    }
}
