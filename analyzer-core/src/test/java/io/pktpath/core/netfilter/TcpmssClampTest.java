package io.pktpath.core.netfilter;

import static io.pktpath.core.netfilter.Fixtures.compile;
import static io.pktpath.core.netfilter.Fixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.engine.AddrType;
import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.MssClampPath;
import io.pktpath.core.engine.NodeFacts;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Hook;
import io.pktpath.parser.net.IpAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code -j TCPMSS --clamp-mss-to-pmtu} says which MSS it lowers a larger option to, from the node's two route MTUs. */
class TcpmssClampTest {
    private static final CompiledRuleset RS = compile(table("mangle", ":FORWARD ACCEPT [0:0]",
            "-A FORWARD -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu"));

    /** Node facts whose clamp path is {@code path}, everything else as {@link Fixtures.Facts#of}. */
    private record ClampFacts(Optional<MssClampPath> path) implements NodeFacts {
        @Override
        public Set<AddrType> addrTypes(IpAddress address, Optional<String> limitIface) {
            return Fixtures.Facts.of().addrTypes(address, limitIface);
        }

        @Override
        public Optional<Boolean> ipsetContains(String setName, List<String> directions, boolean returnNomatch,
                                               Packet packet) {
            return Optional.empty();
        }

        @Override
        public boolean rpfilterPasses(Packet packet, boolean loose, boolean validMark, boolean acceptLocal) {
            return true;
        }

        @Override
        public Optional<MssClampPath> mssClampPath(Packet packet) {
            return path;
        }
    }

    private static List<String> forward(Packet p, Optional<MssClampPath> path) {
        return Fixtures.walk(RS, Hook.FORWARD, "mangle", p, Optional.empty(), new ClampFacts(path), ChoiceOracle.FIRST,
                new RuleState(), true).lines();
    }

    @Test
    void theEffectNamesTheLoweredMssAndBothMtus() {
        Packet syn = Pkt.tcp("10.244.1.194", 46201, "10.244.2.5", 8080).in("cali1").out("tunl0").build();
        assertEquals("mangle FORWARD #1 CONTINUE [tcp mss clamped to path mtu: an MSS option above 1440 is lowered to"
                + " 1440 (path MTU 1480: 1480 out tunl0, 1500 back to 10.244.1.194 out cali1)]",
                forward(syn, Optional.of(new MssClampPath(1480, "tunl0", 1500, "cali1"))).get(0));
        assertEquals("mangle FORWARD #1 CONTINUE [tcp mss clamped to path mtu: an MSS option above 1460 is lowered to"
                + " 1460 (path MTU 1500: 1500 out tunl0; no route back to 10.244.1.194)]",
                forward(syn, Optional.of(new MssClampPath(1500, "tunl0", 0, ""))).get(0));
    }

    @Test
    void withoutTheRoutesMtuTheEffectSaysItIsUnknown() {
        Packet syn = Pkt.tcp("10.244.1.194", 46201, "10.244.2.5", 8080).in("cali1").out("tunl0").build();
        assertEquals("mangle FORWARD #1 CONTINUE [tcp mss clamped to path mtu (the output route's MTU is unknown)]",
                forward(syn, Optional.empty()).get(0));
    }
}
