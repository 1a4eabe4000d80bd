package io.pktpath.core.netfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.netfilter.CompiledRuleset.DnatOrigin;
import io.pktpath.parser.net.IpAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where a DNAT'd packet was going before the rule: kube-proxy's service address, a plain DNAT rule's own match. */
class DnatOriginsTest {
    private static final CompiledRuleset RULES = Fixtures.compile(Fixtures.table("nat",
            ":PREROUTING ACCEPT [0:0]",
            ":OUTPUT ACCEPT [0:0]",
            ":KUBE-SERVICES - [0:0]",
            ":KUBE-NODEPORTS - [0:0]",
            ":KUBE-SVC-A - [0:0]",
            ":KUBE-SVC-B - [0:0]",
            ":KUBE-EXT-A - [0:0]",
            ":KUBE-SEP-1 - [0:0]",
            ":KUBE-SEP-2 - [0:0]",
            "-A PREROUTING -j KUBE-SERVICES",
            "-A OUTPUT -j KUBE-SERVICES",
            "-A PREROUTING -d 192.168.0.10/32 -p udp --dport 5353 -j DNAT --to-destination 10.244.1.9:53",
            "-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m comment --comment \"a cluster IP\" -m tcp --dport 80 -j KUBE-SVC-A",
            "-A KUBE-SERVICES -d 10.96.0.11/32 -p tcp -m tcp --dport 8080 -j KUBE-SVC-B",
            "-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS",
            "-A KUBE-NODEPORTS -p tcp -m tcp --dport 30080 -j KUBE-EXT-A",
            "-A KUBE-EXT-A -j KUBE-SVC-A",
            "-A KUBE-SVC-A -m statistic --mode random --probability 0.5 -j KUBE-SEP-1",
            "-A KUBE-SVC-A -j KUBE-SEP-2",
            "-A KUBE-SVC-B -j KUBE-SEP-2",
            "-A KUBE-SEP-1 -p tcp -m tcp -j DNAT --to-destination 10.244.1.3:8080",
            "-A KUBE-SEP-2 -p tcp -m tcp -j DNAT --to-destination 10.244.1.4:8080"));

    private static DnatOrigin origin(String dst, int port) throws Exception {
        return new DnatOrigin(IpAddress.parse(dst), port);
    }

    @Test
    void anEndpointLeadsBackToItsServiceAddressNotToItsNodePort() throws Exception {
        assertEquals(List.of(origin("10.96.0.10", 80)), RULES.dnatOriginsOf(6, IpAddress.parse("10.244.1.3"), 8080));
    }

    @Test
    void anEndpointOfTwoServicesLeadsBackToBoth() throws Exception {
        assertEquals(List.of(origin("10.96.0.10", 80), origin("10.96.0.11", 8080)),
                RULES.dnatOriginsOf(6, IpAddress.parse("10.244.1.4"), 8080));
    }

    @Test
    void aPlainDnatRuleKeysItsOwnDestination() throws Exception {
        assertEquals(List.of(origin("192.168.0.10", 5353)), RULES.dnatOriginsOf(17, IpAddress.parse("10.244.1.9"), 53));
    }

    @Test
    void anotherProtocolPortOrAddressHasNone() throws Exception {
        assertEquals(List.of(), RULES.dnatOriginsOf(17, IpAddress.parse("10.244.1.3"), 8080));
        assertEquals(List.of(), RULES.dnatOriginsOf(6, IpAddress.parse("10.244.1.3"), 8081));
        assertEquals(List.of(), RULES.dnatOriginsOf(6, IpAddress.parse("10.244.1.8"), 8080));
    }
}
