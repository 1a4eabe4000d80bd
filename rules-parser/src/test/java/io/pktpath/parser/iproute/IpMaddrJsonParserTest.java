package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.net.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code ip -j maddr} against {@code ip maddr} of the same namespace (a veth pair, a second veth pair and a bridge
 * with link-layer groups added by {@code ip maddr add} and IPv4/IPv6 groups joined by sockets; see README.md beside
 * the fixtures): both forms give the same memberships, and bad JSON gives diagnostics with positions.
 */
class IpMaddrJsonParserTest {
    private static List<MulticastGroups> text(String name) {
        Parsed<List<MulticastGroups>> p = IpMaddrParser.parse(name, Fixtures.read(name));
        assertEquals(List.of(), p.diagnostics(), name);
        return withoutSpans(p.value());
    }

    private static List<MulticastGroups> json(String name) {
        Parsed<List<MulticastGroups>> p = IpMaddrJsonParser.parse(name, Fixtures.read(name));
        assertEquals(List.of(), p.diagnostics(), name);
        return withoutSpans(p.value());
    }

    private static List<MulticastGroups> withoutSpans(List<MulticastGroups> all) {
        return all.stream().map(MulticastGroups::withoutSpans).toList();
    }

    @Test
    void textAndJsonOfTheSameMembershipsGiveEqualModelsAndTheSameLines() {
        Map<String, String> pairs = Map.of("ip-maddr.txt", "ip-j-maddr.json", "ip-4-maddr.txt", "ip-j-4-maddr.json",
                "ip-6-maddr.txt", "ip-j-6-maddr.json", "ip-maddr-veth0.txt", "ip-j-maddr-veth0.json");
        for (Map.Entry<String, String> p : pairs.entrySet()) {
            assertEquals(text(p.getKey()), json(p.getValue()), p.getValue());
        }
        assertEquals(text("ip-maddr.txt"), json("ip-j-p-maddr.json"), "pretty-printed (-p)");
        assertEquals(text("ip-maddr.txt"), json("ip-j-o-maddr.json"), "-o: one object per entry, merged by index");
        assertEquals(List.of("lo", "veth0", "br0", "veth3", "veth2"),
                json("ip-j-maddr.json").stream().map(MulticastGroups::dev).toList());
    }

    @Test
    void usersStaticLinkAddressesAndJoinedGroups() throws Exception {
        MulticastGroups veth0 = json("ip-j-maddr.json").get(1);
        assertEquals(2, veth0.index());
        assertEquals(List.of("33:33:00:00:00:01", "01:00:5e:00:00:01", "33:33:ff:d5:e0:30", "33:33:ff:00:00:01",
                "01:00:5e:01:02:03", "01:00:5e:01:01:01", "33:33:00:01:00:03"), veth0.linkAddresses());
        JoinedGroup g = veth0.find(IpAddress.parse("239.1.1.1")).orElseThrow();
        assertEquals(3, g.users());
        assertEquals("inet  239.1.1.1 users 3", g.text());
        assertEquals(2, veth0.find(IpAddress.parse("ff05::1:3")).orElseThrow().users());
        assertEquals(1, veth0.find(IpAddress.parse("224.0.0.1")).orElseThrow().users());
        assertEquals(7, veth0.groups().size());

        Parsed<List<MulticastGroups>> p = IpMaddrJsonParser.parse("m.json", Fixtures.read("ip-j-maddr.json"));
        assertEquals(new SourceSpan("m.json", 1, 158), p.value().get(1).span(), "the interface's object");
        assertEquals(new SourceSpan("m.json", 1, 420), p.value().get(1).groups().get(0).span(), "the group's entry");
    }

    @Test
    void staticFeatureOfAGroupIsKeptAsAWordLikeInTheText() {
        String json = "[{\"ifindex\":2,\"ifname\":\"eth0\",\"maddr\":[{\"family\":\"inet\",\"address\":\"239.1.1.1\","
                + "\"users\":2,\"features\":\"static\"},{\"family\":\"ipx\",\"address\":\"x\"}]}]";
        String text = "2:\teth0\n\tinet  239.1.1.1 users 2 static\n\tfamily 4 x\n";
        assertEquals(withoutSpans(IpMaddrParser.parse("t", text).value()),
                withoutSpans(IpMaddrJsonParser.parse("j", json).value()));
        assertEquals(List.of("static"), IpMaddrJsonParser.parse("j", json).value().get(0).groups().get(0).words());
    }

    @Test
    void eachBadInterfaceOrEntryIsReportedAtItsPositionAndTheRestKept() {
        String text = """
                [{"ifindex":1,"ifname":"lo","maddr":[{"family":"inet","address":"224.0.0.1"}]},
                 {"ifname":"eth9","maddr":[]},
                 {"ifindex":2,"ifname":"eth0","maddr":[
                   {"family":"inet","address":"10.0.0.1"},
                   {"family":"inet6","address":"239.1.1.1"},
                   {"family":"inet","address":"239.1.1.300"},
                   {"family":"inet"},
                   {"users":2},
                   "link",
                   {"family":"inet","address":"239.2.2.2","users":"many"},
                   {"family":"inet","address":"239.3.3.3","users":2},
                   {"link":"01:00:5E:00:00:01"}]}]
                """;
        Parsed<List<MulticastGroups>> p = IpMaddrJsonParser.parse("bad.json", text);
        assertEquals(List.of("lo", "eth0"), p.value().stream().map(MulticastGroups::dev).toList());
        assertEquals(List.of("239.3.3.3"), p.value().get(1).groups().stream().map(g -> g.group().toString()).toList());
        assertEquals(List.of("01:00:5e:00:00:01"), p.value().get(1).linkAddresses());
        assertEquals(List.of(
                "bad.json:2:2: error[bad-header]: interface without a numeric 'ifindex' (expected: {\"ifindex\": N,"
                        + " \"ifname\": NAME, \"maddr\": [...]})",
                "bad.json:4:4: error[bad-address]: '10.0.0.1' is not an IPv4 multicast group (expected: a group in"
                        + " 224.0.0.0/4)",
                "bad.json:5:4: error[bad-address]: '239.1.1.1' is not an IPv6 multicast group (expected: a group in"
                        + " ff00::/8)",
                "bad.json:6:4: error[bad-address]: '239.1.1.300' is not an IPv4 address (expected: four dotted decimal"
                        + " octets 0-255, such as 10.0.0.1)",
                "bad.json:7:4: error[bad-address]: maddr entry without 'address' (expected: \"address\": a multicast"
                        + " group)",
                "bad.json:8:4: error[bad-address]: maddr entry with neither 'link' nor 'family' (expected: {\"link\":"
                        + " MAC} or {\"family\": \"inet\", \"address\": GROUP})",
                "bad.json:9:4: error[bad-address]: maddr entry is not an object (expected: {\"link\": MAC} or"
                        + " {\"family\": \"inet\", \"address\": GROUP})",
                "bad.json:10:4: error[bad-address]: 'users' is not a user count (expected: \"users\": N)"),
                p.diagnostics().stream().map(Diagnostic::headline).toList());
        assertEquals("   {\"family\":\"inet\",\"address\":\"10.0.0.1\"},", p.diagnostics().get(1).lineText());

        Parsed<List<MulticastGroups>> broken = IpMaddrJsonParser.parse("b.json", "[{\"ifindex\":1,\"ifname\":\"lo\",\n"
                + "\"maddr\":[{\"link\":\"01:00:5e:00:00:01\"}");
        assertEquals(List.of(), broken.value());
        assertEquals(List.of("b.json:2:38: error[bad-json]: unexpected end of input (expected: more JSON)"),
                broken.diagnostics().stream().map(Diagnostic::headline).toList());
    }
}
