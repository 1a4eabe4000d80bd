package io.pktpath.core.findings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.analysis.SyntheticTracer;
import io.pktpath.parser.bundle.BundleLoader;
import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.net.IpAddress;
import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Where {@code pktpath trace} lets a made-up packet enter a recorded node when no interface is named: on the device of
 * the node's route back to its source, as rp_filter expects; nowhere for the node's own addresses or without a route.
 */
class TraceArrivalTest {
    private static Optional<String> arrival(String bundle, String src) throws IOException, InvalidValueException {
        return new SyntheticTracer(BundleLoader.loadDirectory(SampleBundles.sample(bundle)))
                .arrivalOf(IpAddress.parse(src)).map(SyntheticTracer.Arrival::iface);
    }

    @Test
    void aNeighbourOnTheLinkArrivesOnThatLink() throws Exception {
        assertEquals(Optional.of("eth0"), arrival("route-errors", "172.18.0.1"));
    }

    @Test
    void aPodArrivesOnItsVeth() throws Exception {
        assertEquals(Optional.of("calie694aa37abf"), arrival("clusterip-tcp", "10.244.1.3"));
    }

    @Test
    void theNodesOwnAddressAndAnUnroutableOneArriveNowhere() throws Exception {
        assertEquals(Optional.empty(), arrival("route-errors", "172.18.0.2"));
        assertEquals(Optional.empty(), arrival("route-errors", "10.9.9.9"));
    }
}
