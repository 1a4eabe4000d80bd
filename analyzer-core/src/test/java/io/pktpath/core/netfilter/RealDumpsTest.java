package io.pktpath.core.netfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.parser.iptables.IptablesSaveParser;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.net.IpFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every real-world dump of the peer data compiles, and every hook of every table can be walked with a spread of
 * packets (every branch of every undecidable match enumerated, misses on) without an exception; each walk ends in a
 * deciding rule, a policy, or a user-chain return.
 */
class RealDumpsTest {
    private static List<Packet> packets(IpFamily family) {
        boolean v4 = family == IpFamily.V4;
        String a = v4 ? "192.168.1.10" : "2001:db8::10";
        String b = v4 ? "10.0.0.1" : "2001:db8:1::1";
        List<Packet> out = new ArrayList<>();
        for (int port : new int[] {22, 53, 80, 443, 3306}) {
            out.add(Pkt.tcp(a, 40000, b, port).in("eth0").out("eth1").build());
            out.add(Pkt.udp(b, 5353, a, port).in("eth1").out("eth0").build());
        }
        out.add(Pkt.icmp(a, b, v4 ? 8 : 128, 0).in("eth0").out("eth1").build());
        out.add(Pkt.tcp(a, 40000, b, 80).in("lo").flags(Packet.ACK).build());
        return out;
    }

    private static List<Optional<CtInfo>> cts(Packet p) {
        return List.of(Optional.empty(), Optional.of(new CtInfo(CtState.NEW, false, 0, Set.of(), p.tuple(), Optional.empty(), 0, 60, 1)),
                Optional.of(new CtInfo(CtState.ESTABLISHED, true, 0, Set.of(), p.tuple().inverse(), Optional.empty(), 0, 60, 1)));
    }

    @TestFactory
    Stream<DynamicTest> everyPeerDumpWalksWithoutFailing() throws IOException {
        Path dir = Fixtures.peer().resolve("iptables-save");
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".iptables-save")).sorted().toList()) {
                tests.add(DynamicTest.dynamicTest(f.getFileName().toString(), () -> walkAll(f)));
            }
        }
        assertEquals(23, tests.size());
        return tests.stream();
    }

    private static void walkAll(Path file) {
        Ruleset rs = IptablesSaveParser.parse(file.getFileName().toString(), Fixtures.read(file)).value();
        CompiledRuleset compiled = CompiledRuleset.compile(rs);
        Fixtures.Facts facts = Fixtures.Facts.of(rs.family() == IpFamily.V4 ? "10.0.0.1" : "2001:db8:1::1");
        int walks = 0;
        for (String table : compiled.tableNames()) {
            for (Hook hook : Hook.values()) {
                for (Packet p : packets(rs.family())) {
                    for (Optional<CtInfo> ct : cts(p)) {
                        var branches = Branches.enumerate(o -> Fixtures.walk(compiled, hook, table, p, ct, facts, o,
                                new RuleState(), true));
                        for (var b : branches) {
                            walks++;
                            List<TraceStep> steps = b.walk().steps();
                            TableResult r = b.walk().result();
                            if (!r.chainPresent()) {
                                continue;
                            }
                            TraceStep last = steps.get(steps.size() - 1);
                            assertTrue(last instanceof PolicyStep || last instanceof RuleStep rs2 && r.decidingRule().equals(Optional.of(rs2.rule())),
                                    file + " " + table + " " + hook + ": " + last);
                        }
                    }
                }
            }
        }
        assertTrue(walks > 0);
    }
}
