package io.pktpath.core.netfilter;

import static io.pktpath.core.netfilter.Fixtures.compile;
import static io.pktpath.core.netfilter.Fixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.CtStatus;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Hook;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** TPROXY and {@code -m socket} with istio-iptables' TPROXY-mode rules (bundles/tproxy-istio records the kernel). */
class TproxySocketTest {
    private static final CompiledRuleset ISTIO = compile(table("mangle", ":PREROUTING ACCEPT [0:0]", ":ISTIO_DIVERT - [0:0]",
            ":ISTIO_INBOUND - [0:0]", ":ISTIO_TPROXY - [0:0]",
            "-A PREROUTING -p tcp -j ISTIO_INBOUND",
            "-A ISTIO_DIVERT -j MARK --set-xmark 0x539/0xffffffff",
            "-A ISTIO_DIVERT -j ACCEPT",
            "-A ISTIO_INBOUND -p tcp -m tcp --dport 15021 -j RETURN",
            "-A ISTIO_INBOUND -p tcp -m socket -j ISTIO_DIVERT",
            "-A ISTIO_INBOUND -p tcp -j ISTIO_TPROXY",
            "-A ISTIO_TPROXY ! -d 127.0.0.1/32 -p tcp -j TPROXY --on-port 15006 --on-ip 0.0.0.0 --tproxy-mark 0x539/0xffffffff"));
    private static final Packet SYN = Pkt.tcp("172.18.0.1", 46001, "10.50.0.20", 8080).build();
    private static final Packet ACK = Pkt.tcp("172.18.0.1", 46001, "10.50.0.20", 8080).build();

    private static Optional<CtInfo> ct(CtState state, Set<CtStatus> status, Packet p) {
        return Optional.of(new CtInfo(state, false, 0, status, p.tuple(), Optional.of(p.tuple().inverse()), 0, 120, 1));
    }

    private static Fixtures.Walked walk(Packet p, Optional<CtInfo> ct, RuleState state, String... local) {
        return Fixtures.walk(ISTIO, Hook.PREROUTING, "mangle", p, ct, Fixtures.Facts.of(local), ChoiceOracle.FIRST, state, true);
    }

    @Test
    void tproxyAcceptsTheFirstPacketSetsTheMarkAndRewritesNothing() {
        RuleState state = new RuleState();
        Fixtures.Walked w = walk(SYN, ct(CtState.NEW, Set.of(), SYN), state, "172.18.0.2");
        assertEquals(List.of("mangle PREROUTING #1 JUMP:ISTIO_INBOUND", "mangle ISTIO_INBOUND #3 JUMP:ISTIO_TPROXY",
                "mangle ISTIO_TPROXY #1 ACCEPT [socket 0.0.0.0:15006 (0.0.0.0: the primary address of eth0), mark 0x0 -> 0x539]"),
                w.lines());
        assertEquals(TableVerdict.ACCEPT, w.result().verdict());
        assertEquals(0x539L, w.result().packet().mark());
        assertEquals(SYN.dst(), w.result().packet().dst());
        assertEquals(8080, w.result().packet().dport());
        assertTrue(w.result().nat().isEmpty());
        assertEquals(List.of(SocketEvaluator.NO_SPECIFIC_LISTENER, "TPROXY: a transparent listener on 0.0.0.0:15006 (0.0.0.0:"
                + " the primary address of eth0) is assumed (sockets are not in the bundle)"), w.result().notes());
        state.commit(w.result().stateUpdates());
        assertTrue(state.tproxied(0, SYN.tuple()));
    }

    @Test
    void laterPacketsOfATproxiedConnectionMatchSocketAndAreDiverted() {
        RuleState state = new RuleState();
        state.commit(walk(SYN, ct(CtState.NEW, Set.of(), SYN), state).result().stateUpdates());
        Fixtures.Walked w = walk(ACK, ct(CtState.ESTABLISHED, Set.of(CtStatus.CONFIRMED, CtStatus.SEEN_REPLY), ACK), state);
        assertEquals(List.of("mangle PREROUTING #1 JUMP:ISTIO_INBOUND", "mangle ISTIO_INBOUND #2 JUMP:ISTIO_DIVERT",
                "mangle ISTIO_DIVERT #1 CONTINUE [mark 0x0 -> 0x539]", "mangle ISTIO_DIVERT #2 ACCEPT"), w.lines());
        assertEquals(0x539L, w.result().packet().mark());
    }

    @Test
    void anEstablishedConnectionThatIsNeitherLocalNorTproxiedHasNoSocket() {
        Fixtures.Walked w = walk(ACK, ct(CtState.ESTABLISHED, Set.of(CtStatus.CONFIRMED, CtStatus.SEEN_REPLY), ACK),
                new RuleState());
        assertEquals("mangle ISTIO_INBOUND #3 JUMP:ISTIO_TPROXY", w.lines().get(1));
    }

    @Test
    void aConnectionToANodeAddressHasItsEstablishedSocket() {
        Packet toNode = Pkt.tcp("172.18.0.1", 46004, "172.18.0.2", 9443).build();
        Fixtures.Walked w = walk(toNode, ct(CtState.ESTABLISHED, Set.of(CtStatus.CONFIRMED), toNode), new RuleState(),
                "172.18.0.2");
        assertEquals("mangle ISTIO_INBOUND #2 JUMP:ISTIO_DIVERT", w.lines().get(1));
    }

    @Test
    void socketIsUndecidedForUdpAndForNowildcardListeners() {
        for (String rule : List.of("-p udp -m socket", "-p tcp -m socket --nowildcard")) {
            CompiledRuleset rs = compile(table("mangle", ":PREROUTING ACCEPT [0:0]", "-A PREROUTING " + rule + " -j DROP"));
            Packet p = rule.contains("udp") ? Pkt.udp("172.18.0.1", 5000, "172.18.0.2", 53).build() : SYN;
            var branches = Branches.enumerate(o -> Fixtures.walk(rs, Hook.PREROUTING, "mangle", p, Optional.empty(),
                    Fixtures.Facts.of(), o, new RuleState(), false));
            assertEquals(2, branches.size(), rule);
            assertTrue(branches.get(0).points().get(0).reason().startsWith("cannot be evaluated offline: socket"), rule);
        }
    }

    @Test
    void tproxyForAConnectionWithANonTproxiedLocalSocketAsksWhetherItIsTransparent() {
        CompiledRuleset rs = compile(table("mangle", ":PREROUTING ACCEPT [0:0]",
                "-A PREROUTING -p tcp -j TPROXY --on-port 15006 --tproxy-mark 0x1/0x1"));
        Packet toNode = Pkt.tcp("172.18.0.1", 46004, "172.18.0.2", 9443).build();
        var branches = Branches.enumerate(o -> Fixtures.walk(rs, Hook.PREROUTING, "mangle", toNode,
                ct(CtState.ESTABLISHED, Set.of(CtStatus.CONFIRMED), toNode), Fixtures.Facts.of("172.18.0.2"), o,
                new RuleState(), false));
        assertEquals(List.of(TableVerdict.ACCEPT, TableVerdict.DROP), branches.stream().map(b -> b.walk().result().verdict()).toList());
        assertEquals(0x1L, branches.get(0).walk().result().packet().mark());
        assertEquals(0x0L, branches.get(1).walk().result().packet().mark());
    }
}
