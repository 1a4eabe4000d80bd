package io.pktpath.core.conntrack;

import static io.pktpath.core.conntrack.Pkts.ip;
import static io.pktpath.core.conntrack.Pkts.udp;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.iptables.target.Dnat;
import io.pktpath.parser.iptables.target.Masquerade;
import io.pktpath.parser.iptables.target.NatRange;
import io.pktpath.parser.iptables.target.Snat;
import io.pktpath.parser.net.PortRange;
import java.util.Optional;

/** NAT targets, rule references and a worked NAT example for tests. */
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

    /** The node address the worked example masquerades to. */
    static final String NODE = "192.168.1.10";

    /**
     * netfilter-semantics §5.6, confirmed in {@code table}: pod 10.1.0.2:40001 -> 10.96.0.10:53, DNAT to 10.2.0.3:53,
     * MASQUERADE to {@link #NODE} keeping port 40001.
     */
    static Connection workedExample(ConntrackTable table) {
        Packet p = udp("10.1.0.2", 40001, "10.96.0.10", 53, 1, 0);
        CtCandidate c = ((CtLookup.Created) table.lookup(p, 0, 0)).candidate();
        NatBinding d = table.bind(c, dnat("10.2.0.3", "10.2.0.3", null), rule("KUBE-SEP-X", 2, "-A KUBE-SEP-X -j DNAT"),
                NatManip.DST, p, NatEnv.none(), 0);
        c = c.withBinding(d);
        Packet afterPre = d.rewrite(p);
        NatEnv env = new NatEnv(Optional.of(ip(NODE)), Optional.empty(), "veth1", "eth0");
        c = c.withBinding(table.bind(c, new Masquerade(Optional.empty(), false, false),
                rule("KUBE-POSTROUTING", 3, "-A KUBE-POSTROUTING -j MASQUERADE"), NatManip.SRC, afterPre, env, 0));
        return ((ConfirmResult.Confirmed) table.confirm(c, p, 0)).ct();
    }
}
