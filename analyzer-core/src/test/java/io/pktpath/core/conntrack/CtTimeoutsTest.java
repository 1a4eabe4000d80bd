package io.pktpath.core.conntrack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.sysctl.SysctlParser;
import io.pktpath.parser.sysctl.Sysctls;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CtTimeoutsTest {
    private static CtTimeouts of(String sysctl) {
        Sysctls s = SysctlParser.parse("sysctl.txt", sysctl).value();
        return CtTimeouts.from(s);
    }

    @Test
    void aStatesTimeoutIsTheNodesSysctlElseTheKernelDefault() {
        CtTimeouts t = of("net.netfilter.nf_conntrack_tcp_timeout_established = 86400\n");
        assertEquals(86400, t.tcp(TcpState.ESTABLISHED));
        assertEquals(120, t.tcp(TcpState.TIME_WAIT));
        assertEquals(86400L, t.tcpSeconds().get(TcpState.ESTABLISHED));
        assertTrue(t.assumed().stream().anyMatch(a -> a.contains("tcp_timeout_time_wait")), t.assumed().toString());
    }

    @Test
    void theMapOfTimeoutsIsUnmodifiableAndEqualToAPlainMapOfTheSameValues() {
        CtTimeouts t = CtTimeouts.defaults();
        Map<TcpState, Long> plain = new EnumMap<>(TcpState.class);
        for (TcpState s : TcpState.values()) {
            plain.put(s, t.tcp(s));
        }
        assertEquals(plain, t.tcpSeconds());
        assertEquals(t.tcpSeconds(), plain);
        assertEquals(plain.hashCode(), t.tcpSeconds().hashCode());
        assertNull(t.tcpSeconds().get("ESTABLISHED"));
        assertThrows(UnsupportedOperationException.class, () -> t.tcpSeconds().put(TcpState.CLOSE, 1L));
        assertThrows(UnsupportedOperationException.class, () -> t.tcpSeconds().entrySet().clear());
        assertEquals(t, new CtTimeouts(plain, t.tcpUnacknowledged(), t.udp(), t.udpStream(), t.icmp(), t.icmpv6(),
                t.generic(), t.tcpLoose(), t.tcpBeLiberal(), t.assumed()));
    }

    @Test
    void aMapLackingAStateIsRefusedWhenMadeNotWhenRead() {
        Map<TcpState, Long> partial = new EnumMap<>(TcpState.class);
        partial.put(TcpState.ESTABLISHED, 5L);
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> new CtTimeouts(partial, 300, 30, 120, 30, 30, 600, true, false, java.util.List.of()));
        assertTrue(e.getMessage().startsWith("no TCP timeout for "), e.getMessage());
    }
}
