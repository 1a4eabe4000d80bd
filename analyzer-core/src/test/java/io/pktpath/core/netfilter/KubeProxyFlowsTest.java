package io.pktpath.core.netfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Hook;
import io.pktpath.parser.iptables.target.Dnat;
import io.pktpath.parser.json.JsonReader;
import io.pktpath.parser.json.JsonValue;
import io.pktpath.parser.net.IpAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every packet-flow case of kube-proxy's unit tests (peer/kube-proxy/*&#47;flows.json) the way their tracer
 * defines the expected output (peer/kube-proxy/README.md): all DNAT endpoints over every statistic branch of nat
 * PREROUTING (or nat KUBE-SERVICES where the dump has no PREROUTING), the masquerade mark, then the first verdict of
 * the filter chains KUBE-SERVICES, KUBE-EXTERNAL-SERVICES, KUBE-NODEPORTS, KUBE-PROXY-FIREWALL.
 */
class KubeProxyFlowsTest {
    private static final List<String> FILTER_CHAINS = List.of("KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-NODEPORTS",
            "KUBE-PROXY-FIREWALL");

    @TestFactory
    Stream<DynamicTest> everyFlowCaseGivesTheExpectedOutputAndMasquerade() throws IOException {
        Path root = Fixtures.peer().resolve("kube-proxy");
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.sorted().toList()) {
                Path flows = dir.resolve("flows.json");
                if (!Files.isRegularFile(flows)) {
                    continue;
                }
                JsonValue.JsonArray cases = (JsonValue.JsonArray) JsonReader.read(Fixtures.read(flows));
                if (cases.items().isEmpty()) {
                    continue;
                }
                CompiledRuleset rs = Fixtures.compile(Fixtures.read(dir.resolve("rules.iptables-save")));
                for (JsonValue c : cases.items()) {
                    JsonValue.JsonObject o = (JsonValue.JsonObject) c;
                    tests.add(DynamicTest.dynamicTest(dir.getFileName() + ": " + o.string("name").orElse(""),
                            () -> check(rs, o)));
                }
            }
        } catch (io.pktpath.parser.json.JsonSyntaxException e) {
            throw new IllegalStateException(e);
        }
        assertEquals(85, tests.size(), "the peer README lists 85 flow cases");
        return tests.stream();
    }

    private static void check(CompiledRuleset rs, JsonValue.JsonObject o) {
        List<String> nodeIps = o.array("nodeIPs").stream().map(v -> ((JsonValue.JsonString) v).value()).toList();
        Fixtures.Facts facts = Fixtures.Facts.of(nodeIps.toArray(new String[0]));
        String proto = o.string("protocol").orElse("tcp");
        Pkt pkt = Pkt.tcp(o.string("sourceIP").orElseThrow(), 40000, o.string("destIP").orElseThrow(),
                o.number("destPort").orElseThrow().intValue());
        pkt.proto = proto.equals("udp") ? Packet.UDP : proto.equals("sctp") ? Packet.SCTP : Packet.TCP;
        Packet p = pkt.build();

        boolean hasPrerouting = rs.hasChain("nat", "PREROUTING");
        var branches = Branches.enumerate(oracle -> hasPrerouting
                ? Fixtures.walk(rs, Hook.PREROUTING, "nat", p, KubeProxyTest.newCt(p), facts, oracle, new RuleState(), false)
                : Fixtures.walkChain(rs, Hook.PREROUTING, "nat", "KUBE-SERVICES", p, KubeProxyTest.newCt(p), facts, oracle));
        Set<String> outputs = new LinkedHashSet<>();
        boolean masq = false;
        IpAddress firstDst = p.dst();
        double total = 0;
        for (var b : branches) {
            total += b.probability();
            TableResult r = b.walk().result();
            masq |= (r.packet().mark() & 0x4000) != 0;
            if (r.nat().isPresent() && r.nat().get().target() instanceof Dnat d) {
                if (outputs.isEmpty()) {
                    firstDst = d.range().from().orElseThrow();
                }
                outputs.add(d.range().render());
            }
        }
        assertEquals(1.0, total, 1e-9, "branch probabilities add up to 1");
        Packet filtered = p.withTuple(new io.pktpath.core.trace.Tuple(p.proto(), p.src(), p.sport(), firstDst, p.dport()));
        for (String chain : FILTER_CHAINS) {
            TableResult r = Fixtures.walkChain(rs, Hook.FORWARD, "filter", chain, filtered, KubeProxyTest.newCt(filtered),
                    facts, ChoiceOracle.FIRST).result();
            if (r.decidingRule().isPresent()) {
                outputs.add(r.verdict().name());
                break;
            }
        }
        assertEquals(o.string("expectedOutput").orElseThrow(), String.join(", ", outputs));
        assertEquals(((JsonValue.JsonBoolean) o.get("expectedMasquerade").orElseThrow()).value(), masq, "masquerade");
        assertTrue(branches.size() >= 1);
    }
}
