package io.pktpath.core.netfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.pktpath.parser.iptables.target.Dnat;
import io.pktpath.parser.iptables.target.Jump;
import io.pktpath.parser.iptables.target.NatRange;
import io.pktpath.parser.iptables.target.Target;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.PortRange;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NearbyTargetsTest {
    @Test
    void aDnatTargetIsCopiedEqualAndOtherTargetsAreKept() throws Exception {
        IpAddress a = IpAddress.parse("10.244.1.3");
        IpAddress b = IpAddress.parse("10.244.1.9");
        Dnat one = new Dnat(new NatRange(Optional.of(a), Optional.of(a), Optional.of(new PortRange(8080, 8080))), false,
                false, false);
        Dnat range = new Dnat(new NatRange(Optional.of(a), Optional.of(b), Optional.empty()), true, false, true);
        Dnat portOnly = new Dnat(new NatRange(Optional.empty(), Optional.empty(), Optional.of(new PortRange(1, 2))),
                false, true, false);
        for (Dnat d : new Dnat[] {one, range, portOnly}) {
            Target copy = NearbyTargets.copy(d);
            assertEquals(d, copy);
            assertEquals(d.render(), copy.render());
            assertNotSame(d, copy);
            assertNotSame(d.range(), ((Dnat) copy).range());
        }
        Target jump = new Jump("KUBE-SVC-X");
        assertSame(jump, NearbyTargets.copy(jump));
    }
}
