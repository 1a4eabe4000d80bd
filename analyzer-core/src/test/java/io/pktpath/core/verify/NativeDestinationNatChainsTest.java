package io.pktpath.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.findings.SampleBundles;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which native chains verify takes as printing a packet before destination NAT, on the recorded docker-nftables node:
 * the nat chains at prerouting and output and those they jump to, and Docker's raw-PREROUTING (priority raw, below
 * conntrack's destination NAT at -100), whose PACKET lines show a reply before its de-SNAT.
 */
class NativeDestinationNatChainsTest {
    @Test
    void natAndRawPriorityChainsAtPreroutingAndOutputAreBeforeDestinationNat() throws IOException {
        Set<String> chains = Verifier.nativeDestinationNatChains(
                BundleLoader.loadDirectory(SampleBundles.sample("docker-nftables")));
        Set<String> v4 = new java.util.TreeSet<>();
        chains.stream().filter(c -> c.startsWith("ip docker-bridges:")).forEach(v4::add);
        assertEquals(Set.of("ip docker-bridges:nat-OUTPUT", "ip docker-bridges:nat-PREROUTING",
                "ip docker-bridges:nat-prerouting-and-output", "ip docker-bridges:raw-PREROUTING"), v4,
                "not filter-FORWARD, nat-POSTROUTING or the chains they reach");
    }
}
