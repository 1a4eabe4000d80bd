package io.pktpath.core.netfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Hook;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * The chain index equals a linear scan on random chains that mix destination-keyed, port-only-keyed and wild rules:
 * negated addresses, protocols and ports, port ranges, multiport lists, pure and non-pure conditions before and after
 * the port, marks set by earlier rules and tested by later ones, jumps into a second (possibly indexed) chain.
 */
class PortIndexProperties {
    private static final List<String> PORTS = List.of("53", "80", "81", "443", "30000");

    /** One random rule's text after {@code -A CHAIN}; {@code nested} rules do not jump. */
    static Arbitrary<String> rule(boolean nested) {
        Arbitrary<String> src = Arbitraries.frequency(t(6, ""), t(1, "-s 10.0.0.0/8 "), t(1, "! -s 10.0.0.0/8 "));
        Arbitrary<String> dst = Arbitraries.frequency(t(5, ""), t(3, "-d 10.96.0.1/32 "), t(3, "-d 10.96.0.2/32 "),
                t(1, "! -d 10.96.0.1/32 "), t(1, "-d 10.96.0.0/24 "), t(2, "-d 192.168.0.2/32 "));
        Arbitrary<String> proto = Arbitraries.frequency(t(1, ""), t(6, "tcp"), t(3, "udp"), t(1, "!tcp"));
        Arbitrary<String> before = Arbitraries.frequency(t(5, ""), t(2, "-m comment --comment \"c\" "),
                t(3, "-m addrtype --dst-type LOCAL "), t(1, "-m addrtype ! --dst-type LOCAL "),
                t(1, "-m statistic --mode random --probability 0.5 "), t(1, "-m mark --mark 0x1/0x1 "),
                t(1, "-m conntrack --ctstate NEW "));
        Arbitrary<String> port = Arbitraries.of(PORTS);
        Arbitrary<String> after = Arbitraries.frequency(t(6, ""), t(1, "-m statistic --mode random --probability 0.25 "),
                t(1, "-m mark ! --mark 0x1/0x1 "), t(1, "-m addrtype --dst-type LOCAL "));
        Arbitrary<String> target = nested
                ? Arbitraries.frequency(t(3, "-j DROP"), t(2, "-j ACCEPT"), t(2, "-j MARK --or-mark 0x1"), t(2, "-j RETURN"))
                : Arbitraries.frequency(t(3, "-j DROP"), t(2, "-j ACCEPT"), t(2, "-j MARK --or-mark 0x1"),
                        t(1, "-j RETURN"), t(2, "-j SUB"), t(1, "-j REJECT"));
        Arbitrary<Integer> portShape = Arbitraries.integers().between(0, 10);
        return Combinators.combine(List.of(src, dst, proto, before, port, portShape.map(String::valueOf), after, target))
                .as(p -> p.get(0) + p.get(1) + protoText(p.get(2)) + p.get(3) + ports(p.get(2), Integer.parseInt(p.get(5)), p.get(4))
                        + p.get(6) + p.get(7));
    }

    private static Tuple.Tuple2<Integer, String> t(int weight, String text) {
        return Tuple.of(weight, text);
    }

    private static String protoText(String proto) {
        return proto.isEmpty() ? "" : proto.startsWith("!") ? "! -p " + proto.substring(1) + " " : "-p " + proto + " ";
    }

    /** The port condition of a rule with that protocol: plain, negated, range, with a source port, multiport, none. */
    private static String ports(String proto, int shape, String port) {
        if (!proto.equals("tcp") && !proto.equals("udp")) {
            return "";
        }
        String m = "-m " + proto + " ";
        return switch (shape) {
            case 0, 1, 2 -> m + "--dport " + port + " ";
            case 3 -> m + "! --dport " + port + " ";
            case 4 -> m + "--dport 80:82 ";
            case 5 -> m + "--sport 40000 --dport " + port + " ";
            case 6 -> "-m multiport --dports " + port + ",443 ";
            case 7 -> "-m multiport ! --dports 53,80 ";
            case 8 -> "-m multiport --ports 80,30000 ";
            case 9 -> "-m multiport --dports 79:81,53 ";
            default -> "";
        };
    }

    static String dump(List<String> chain, List<String> sub) {
        List<String> lines = new ArrayList<>(List.of(":INPUT ACCEPT [0:0]", ":FORWARD DROP [0:0]", ":OUTPUT ACCEPT [0:0]",
                ":KUBE-A - [0:0]", ":SUB - [0:0]", "-A FORWARD -j KUBE-A", "-A FORWARD -p tcp -j ACCEPT"));
        chain.forEach(r -> lines.add("-A KUBE-A " + r));
        sub.forEach(r -> lines.add("-A SUB " + r));
        return Fixtures.table("filter", lines.toArray(new String[0]));
    }

    @Provide
    Arbitrary<Packet> packets() {
        Arbitrary<String> src = Arbitraries.of("10.0.0.2", "203.0.113.7");
        Arbitrary<String> dst = Arbitraries.of("10.96.0.1", "10.96.0.2", "10.96.0.3", "192.168.0.2");
        Arbitrary<Integer> port = Arbitraries.of(53, 80, 81, 82, 443, 30000, 8080);
        Arbitrary<Integer> kind = Arbitraries.integers().between(0, 11);
        return Combinators.combine(src, dst, port, kind).as((s, d, p, k) -> {
            Pkt pkt = k < 5 ? Pkt.tcp(s, 40000, d, p) : k < 9 ? Pkt.udp(s, k == 8 ? p : 40000, d, p) : Pkt.icmp(s, d, 8, 0);
            if (k == 10) {
                pkt = Pkt.tcp(s, 40000, d, p);
                pkt.fragment = true;
                pkt.firstFragment = false;
            }
            return pkt.mark(k == 11 || k == 2 ? 1 : 0).build();
        });
    }

    private static List<String> outcome(CompiledRuleset rs, Packet p) {
        List<String> out = new ArrayList<>();
        for (var b : Branches.enumerate(o -> Fixtures.walk(rs, Hook.FORWARD, "filter", p, KubeProxyTest.newCt(p),
                Fixtures.Facts.of("192.168.0.2"), o, new RuleState(), false))) {
            out.add(b.probability() + " " + b.walk().lines() + " " + b.walk().result());
        }
        return out;
    }

    @Property(tries = 200)
    void theIndexedWalkEqualsTheLinearWalkOnMixedChains(
            @ForAll("chains") List<String> chain, @ForAll("subChains") List<String> sub,
            @ForAll("packetLists") List<Packet> packets) {
        String text = dump(chain, sub);
        CompiledRuleset indexed = CompiledRuleset.compile(Fixtures.parse(text), true);
        CompiledRuleset linear = CompiledRuleset.compile(Fixtures.parse(text), false);
        int[] keys = indexed.chain("filter", "KUBE-A").orElseThrow().index().map(ChainIndex::keyCounts).orElse(new int[2]);
        Statistics.label("exact keys").collect(keys[0] > 0);
        Statistics.label("port-only keys").collect(keys[1] > 0);
        Statistics.label("exact keys").coverage(c -> c.check(true).percentage(pct -> pct > 50));
        Statistics.label("port-only keys").coverage(c -> c.check(true).percentage(pct -> pct > 50));
        for (Packet p : packets) {
            assertEquals(outcome(linear, p), outcome(indexed, p), () -> "packet " + p + " through\n" + text);
        }
    }

    @Provide
    Arbitrary<List<String>> chains() {
        return rule(false).list().ofMinSize(ChainIndex.MIN_RULES).ofMaxSize(40);
    }

    @Provide
    Arbitrary<List<String>> subChains() {
        return rule(true).list().ofMinSize(0).ofMaxSize(30);
    }

    @Provide
    Arbitrary<List<Packet>> packetLists() {
        return packets().list().ofMinSize(12).ofMaxSize(12);
    }

    private static final List<String> MIXED = List.of(
            "-d 10.96.0.1/32 -p tcp -m tcp --dport 80 -j MARK --or-mark 0x2",
            "-p tcp -m comment --comment \"np\" -m addrtype --dst-type LOCAL -m tcp --dport 30000 -j DROP",
            "-p tcp -m multiport --dports 80,443 -j MARK --or-mark 0x1",
            "-p tcp -m statistic --mode random --probability 0.5 -m tcp --dport 80 -j DROP",
            "-p tcp -m tcp ! --dport 80 -j DROP",
            "-p udp -m udp --dport 53 -m statistic --mode random --probability 0.5 -j DROP",
            "-d 10.96.0.2/32 -p udp -m udp --dport 53 -j ACCEPT",
            "! -d 10.96.0.1/32 -p tcp -m tcp --dport 443 -j ACCEPT",
            "-p tcp -m multiport ! --dports 53,80 -j DROP",
            "-p tcp -m tcp --dport 1000:2000 -j DROP",
            "-p tcp -m tcp --dport 80:82 -j DROP",
            "-p tcp -m tcp --sport 80 -j DROP",
            "-j DROP");

    private static int[] candidates(CompiledRuleset rs, Packet p) {
        return rs.chain("filter", "KUBE-A").orElseThrow().candidates(p, false);
    }

    @net.jqwik.api.Example
    void portOnlyRulesAreCandidatesOnlyForTheirProtocolAndPortWithTheExactAndWildRulesInRuleOrder() {
        List<String> chain = new ArrayList<>(MIXED);
        for (int i = 0; i < 7; i++) {
            chain.add("-d 10.96.0.1" + i + "/32 -p tcp -m tcp --dport 80 -j ACCEPT");
        }
        CompiledRuleset rs = CompiledRuleset.compile(Fixtures.parse(dump(chain, List.of())), true);
        assertEquals(List.of(9, 6), java.util.Arrays.stream(rs.chain("filter", "KUBE-A").orElseThrow().index().orElseThrow()
                .keyCounts()).boxed().toList(), "exact keys: 10.96.0.1:80, 10.96.0.2:53, 10.96.0.10-16:80; port-only: tcp 30000, 80, 443, 81, 82 and udp 53");
        assertEquals(List.of(0, 2, 3, 4, 8, 9, 10, 11, 12), positions(candidates(rs, Pkt.tcp("10.0.0.2", 1, "10.96.0.1", 80).build())));
        assertEquals(List.of(1, 3, 4, 8, 9, 11, 12), positions(candidates(rs, Pkt.tcp("10.0.0.2", 1, "192.168.0.2", 30000).build())));
        assertEquals(List.of(3, 4, 5, 6, 8, 9, 11, 12), positions(candidates(rs, Pkt.udp("10.0.0.2", 1, "10.96.0.2", 53).build())));
        assertEquals(List.of(2, 3, 4, 7, 8, 9, 11, 12), positions(candidates(rs, Pkt.tcp("10.0.0.2", 1, "10.96.0.13", 443).build())));
        assertEquals(List.of(2, 3, 4, 8, 9, 10, 11, 12, 16), positions(candidates(rs, Pkt.tcp("10.0.0.2", 1, "10.96.0.13", 80).build())));
        assertEquals(List.of(3, 4, 8, 9, 11, 12), positions(candidates(rs, Pkt.tcp("10.0.0.2", 1, "10.96.0.9", 8080).build())));
        assertEquals(List.of(3, 4, 8, 9, 11, 12), positions(candidates(rs, Pkt.icmp("10.0.0.2", "10.96.0.1", 8, 0).build())));
    }

    private static List<Integer> positions(int[] candidates) {
        return java.util.Arrays.stream(candidates).boxed().toList();
    }

    @net.jqwik.api.Example
    void aChainOfDestinationsWithoutPortsIsIndexedByDestinationAndWalksLikeTheLinearScan() {
        // nftables' "ip daddr @cluster-ips reject" expanded into one rule per element, then kube-proxy's range drop
        List<String> chain = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            chain.add("-d 10.96.1." + i + "/32 -j REJECT --reject-with icmp-port-unreachable");
        }
        chain.add("-d 10.96.0.0/12 -j DROP");
        chain.add("-s 10.244.0.0/16 -p tcp -m tcp --sport 53 -j ACCEPT");
        String text = dump(chain, List.of());
        CompiledRuleset indexed = CompiledRuleset.compile(Fixtures.parse(text), true);
        CompiledRuleset linear = CompiledRuleset.compile(Fixtures.parse(text), false);
        assertEquals(List.of(20, 0), positions(indexed.chain("filter", "KUBE-A").orElseThrow().index().orElseThrow().keyCounts()));
        assertEquals(List.of(5, 20, 21), positions(candidates(indexed, Pkt.tcp("10.244.0.2", 1, "10.96.1.5", 80).build())));
        assertEquals(List.of(5, 20, 21), positions(candidates(indexed, Pkt.icmp("10.244.0.2", "10.96.1.5", 8, 0).build())));
        assertEquals(List.of(20, 21), positions(candidates(indexed, Pkt.tcp("10.244.0.2", 1, "10.244.3.3", 80).build())));
        for (Packet p : List.of(Pkt.tcp("10.244.0.2", 1, "10.96.1.5", 80).build(), Pkt.udp("10.0.0.2", 53, "10.96.1.19", 53).build(),
                Pkt.tcp("10.244.0.2", 53, "10.96.7.7", 80).build(), Pkt.tcp("10.244.0.2", 53, "10.244.3.3", 80).build(),
                Pkt.icmp("10.0.0.2", "10.96.1.0", 8, 0).build())) {
            assertEquals(outcome(linear, p), outcome(indexed, p), p.toString());
        }
        chain.add("-d 10.96.2.1/32 -p tcp -m tcp --dport 80 -j ACCEPT");
        var mixed = CompiledRuleset.compile(Fixtures.parse(dump(chain, List.of())), true).chain("filter", "KUBE-A")
                .orElseThrow().index();
        // with a rule keyed by its port in the chain, the destination rules are wild again (22 of them, fewer than 64)
        assertEquals(List.of(1, 0), positions(mixed.orElseThrow().keyCounts()));
    }

    @net.jqwik.api.Example
    void aPortSharedByMoreThanTheLimitOfRulesMakesThemWildAndTooManyWildRulesLeaveTheChainUnindexed() {
        for (int shared : List.of(ChainIndex.MAX_SHARED_PORT, ChainIndex.MAX_SHARED_PORT + 1)) {
            List<String> chain = new ArrayList<>();
            for (int i = 0; i < shared; i++) {
                chain.add("-s 10.0." + i + ".1/32 -p tcp -m tcp --dport 22 -j ACCEPT");
            }
            for (int i = 0; i < 20; i++) {
                chain.add("-d 10.96.1." + i + "/32 -p tcp -m tcp --dport 80 -j DROP");
            }
            var index = CompiledRuleset.compile(Fixtures.parse(dump(chain, List.of())), true).chain("filter", "KUBE-A")
                    .orElseThrow().index();
            assertEquals(shared <= ChainIndex.MAX_SHARED_PORT, index.isPresent(), "indexed with " + shared + " rules on port 22");
            index.ifPresent(i -> assertEquals(List.of(20, 1), positions(i.keyCounts())));
        }
    }

    @net.jqwik.api.Example
    void ipv6ChainsKeepTheirExactKeysUnpackedAndStillWalkLikeTheLinearScan() {
        List<String> lines = new ArrayList<>(List.of(":INPUT ACCEPT [0:0]", ":FORWARD DROP [0:0]", ":OUTPUT ACCEPT [0:0]",
                ":KUBE-A - [0:0]", "-A FORWARD -j KUBE-A"));
        for (int i = 0; i < 20; i++) {
            lines.add("-A KUBE-A -d fd00::" + Integer.toHexString(i + 1) + "/128 -p tcp -m tcp --dport 80 -j MARK --or-mark 0x" + (i + 1));
        }
        lines.add("-A KUBE-A -p tcp -m tcp --dport 30000 -j ACCEPT");
        lines.add("-A KUBE-A -p udp -j DROP");
        String text = "# Generated by ip6tables-save v1.8.9\n" + Fixtures.table("filter", lines.toArray(new String[0]));
        CompiledRuleset indexed = CompiledRuleset.compile(Fixtures.parse(text), true);
        CompiledRuleset linear = CompiledRuleset.compile(Fixtures.parse(text), false);
        assertEquals(List.of(20, 1), positions(indexed.chain("filter", "KUBE-A").orElseThrow().index().orElseThrow().keyCounts()));
        assertEquals(List.of(4, 21), positions(candidates(indexed, Pkt.tcp("fd00::99", 1, "fd00::5", 80).build())));
        assertEquals(List.of(20, 21), positions(candidates(indexed, Pkt.tcp("fd00::99", 1, "fd00::5", 30000).build())));
        for (Packet p : List.of(Pkt.tcp("fd00::99", 1, "fd00::5", 80).build(), Pkt.tcp("fd00::99", 1, "fd00::14", 80).build(),
                Pkt.tcp("fd00::99", 1, "::5", 80).build(), Pkt.udp("fd00::99", 1, "fd00::5", 80).build())) {
            assertEquals(outcome(linear, p), outcome(indexed, p));
        }
    }

    @net.jqwik.api.Example
    void unionMergesAscendingPositionsWithoutDuplicates() {
        assertEquals(List.of(0, 1, 3, 5, 8, 9), positions(ChainIndex.union(new int[] {1, 3, 8}, new int[] {0, 3, 5, 9})));
        assertEquals(List.of(2), positions(ChainIndex.union(new int[0], new int[] {2})));
        assertEquals(List.of(), positions(ChainIndex.union(new int[0], new int[0])));
    }
}
