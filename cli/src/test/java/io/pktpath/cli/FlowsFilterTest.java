package io.pktpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code flows --host/--port/--proto}: an address or port of either direction's tuple, the flow's protocol. */
class FlowsFilterTest {
    private static List<String> flowIds(String... filter) {
        String[] args = new String[2 + filter.length];
        args[0] = "flows";
        args[1] = Cli.bundle("clusterip-tcp");
        System.arraycopy(filter, 0, args, 2, filter.length);
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.exit(), r.err());
        return r.out().lines().filter(l -> l.startsWith("flow ")).map(l -> l.split(" ")[1]).toList();
    }

    @Test
    void theServiceAddressFindsEveryFlowAndAnEndpointItsOwn() {
        List<String> all = flowIds();
        assertEquals(8, all.size());
        assertEquals(all, flowIds("--host", "10.96.0.10"));
        assertEquals(List.of("3"), flowIds("--host", "10.244.1.4"));
    }

    @Test
    void portsOfEitherDirectionAndTheProtocol() {
        assertEquals(flowIds(), flowIds("--port", "8080"));
        assertEquals(flowIds(), flowIds("--port", "80", "--proto", "tcp"));
        assertEquals(List.of(), flowIds("--proto", "udp"));
        assertEquals(List.of("3"), flowIds("--host", "10.244.1.4", "--port", "8080", "--outcome", "closed"));
    }

    @Test
    void aBadValueNamesItsOption() {
        Cli.Result r = Cli.run("flows", Cli.bundle("clusterip-tcp"), "--host", "10.0.0.300");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--host 10.0.0.300: not an IP address"), r.err());
        Cli.Result port = Cli.run("flows", Cli.bundle("clusterip-tcp"), "--port", "99999");
        assertEquals(2, port.exit());
        assertTrue(port.err().contains("--port 99999: not a port (expected a number 0-65535)"), port.err());
    }
}
