package io.pktpath.core.netfilter;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.net.IpAddress;
import org.junit.jupiter.api.Test;

/**
 * Whether some DNAT rule may have given a packet its destination: one address and port (kube-proxy's, docker's), an
 * address range, a rule that keeps the port or the address; the protocol a rule names counts; a packet of the rule's
 * protocol without ports (a later fragment) may have been sent to any address the rule names.
 */
class DnatTargetsTest {
    private static final CompiledRuleset RULES = Fixtures.compile(Fixtures.table("nat",
            ":PREROUTING ACCEPT [0:0]",
            ":OUTPUT ACCEPT [0:0]",
            ":DOCKER - [0:0]",
            "-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER",
            "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80",
            "-A PREROUTING -p udp -j DNAT --to-destination 10.244.2.1-10.244.2.9",
            "-A PREROUTING -d 192.0.2.7/32 -p tcp -j DNAT --to-destination :9000-9009"));

    private static boolean may(int proto, String to, int port) throws Exception {
        return RULES.mayDnatTo(proto, IpAddress.parse(to), port);
    }

    @Test
    void oneAddressAndPort() throws Exception {
        assertTrue(may(6, "172.17.0.2", 80));
        assertFalse(may(6, "172.17.0.2", 81));
        assertFalse(may(6, "172.17.0.3", 80));
        assertFalse(may(17, "172.17.0.2", 80), "the rule names tcp");
        assertTrue(may(6, "172.17.0.2", -1), "a later fragment (no ports) to the address may have been DNAT'd");
        assertFalse(may(6, "172.17.0.3", -1));
        assertFalse(may(1, "172.17.0.2", -1), "a ping: the rule names tcp");
    }

    @Test
    void anAddressRangeThatKeepsThePort() throws Exception {
        assertTrue(may(17, "10.244.2.1", 53));
        assertTrue(may(17, "10.244.2.9", 5353));
        assertFalse(may(17, "10.244.2.10", 53));
        assertFalse(may(6, "10.244.2.5", 53));
    }

    @Test
    void aPortRangeThatKeepsTheAddress() throws Exception {
        assertTrue(may(6, "198.51.100.1", 9005), "any address: the rule keeps the destination address");
        assertFalse(may(6, "198.51.100.1", 9010));
        assertFalse(may(6, "198.51.100.1", -1), "a packet without ports");
    }
}
