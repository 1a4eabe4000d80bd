package io.pktpath.core.routing;

import static io.pktpath.core.routing.TestNodes.ip;
import static io.pktpath.core.routing.TestNodes.received;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.engine.Packet;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link NetworkInputs#fromBundle} over a bundle directory loaded by the real bundle loader. */
class BundleInputsTest {
    @Test
    void loadedBundleRoutesLikeTheParsedFiles() throws Exception {
        Bundle b = BundleLoader.loadDirectory(dir("bundle-clusterip-tcp"));
        NodeNetwork node = NodeNetwork.of(NetworkInputs.fromBundle(b));
        assertEquals(List.of(), node.assumptions());
        RouteResult r = node.inputRoute(received("10.244.1.2", "10.244.1.4", "cali62608e08adc", Packet.TCP, 47750,
                8080));
        assertEquals(Optional.of("calibbddbd575d4"), r.outDev());
        assertEquals(Optional.of(ip("10.244.1.4")), r.nextHop());
        assertEquals(RouteKind.LOCAL, node.inputRoute(received("172.18.0.1", "172.18.0.2", "eth0")).kind());
    }

    private static Path dir(String name) throws URISyntaxException {
        return Path.of(BundleInputsTest.class.getResource(name).toURI());
    }
}
