package io.pktpath.core.conntrack;

import static io.pktpath.core.conntrack.Pkts.ip;

import io.pktpath.core.trace.RuleRef;
import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.iptables.target.Dnat;
import io.pktpath.parser.iptables.target.NatRange;
import io.pktpath.parser.iptables.target.Snat;
import io.pktpath.parser.net.PortRange;
import java.util.Optional;

/** NAT targets and rule references for tests. */
final class Nat {
    private Nat() {
    }

    static RuleRef rule(String chain, int position, String text) {
        return new RuleRef(4, "nat", chain, position, SourceSpan.line("rules.v4", position), text);
    }

    static NatRange range(String from, String to, PortRange ports) {
        return new NatRange(Optional.of(ip(from)), Optional.of(ip(to)), Optional.ofNullable(ports));
    }

    static Dnat dnat(String from, String to, PortRange ports) {
        return new Dnat(range(from, to, ports), false, false, false);
    }

    static Snat snat(String address) {
        return new Snat(range(address, address, null), false, false, false);
    }
}
