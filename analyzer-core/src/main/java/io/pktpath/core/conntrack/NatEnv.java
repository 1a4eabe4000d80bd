package io.pktpath.core.conntrack;

import io.pktpath.parser.net.IpAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * What NAT needs from routing and the interfaces for one packet: the MASQUERADE source address (chosen by the routing
 * layer per §5.4), the REDIRECT address (primary address of the incoming interface, §5.5) and the interfaces' names.
 */
public record NatEnv(Optional<IpAddress> masqueradeSource, Optional<IpAddress> redirectAddress, String inIface,
                     String outIface) {
    public NatEnv {
        Objects.requireNonNull(masqueradeSource, "masqueradeSource");
        Objects.requireNonNull(redirectAddress, "redirectAddress");
        Objects.requireNonNull(inIface, "inIface");
        Objects.requireNonNull(outIface, "outIface");
    }

    /** No routing facts (enough for DNAT, SNAT, NETMAP and null bindings). */
    public static NatEnv none() {
        return new NatEnv(Optional.empty(), Optional.empty(), "", "");
    }
}
