package io.pktpath.core.conntrack;

import io.pktpath.parser.iptables.match.ConnlimitMatch;
import io.pktpath.parser.iptables.match.NftCountMatch;
import io.pktpath.parser.iptables.match.NftSetElementMatch;
import io.pktpath.parser.iptables.match.ConnmarkMatch;
import io.pktpath.parser.iptables.match.ConntrackMatch;
import io.pktpath.parser.iptables.match.Match;
import io.pktpath.parser.iptables.match.StateMatch;
import io.pktpath.parser.iptables.match.UnsupportedMatch;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.model.Table;
import io.pktpath.parser.iptables.target.Connmark;
import io.pktpath.parser.iptables.target.Ct;
import io.pktpath.parser.iptables.target.Dnat;
import io.pktpath.parser.iptables.target.Masquerade;
import io.pktpath.parser.iptables.target.Netmap;
import io.pktpath.parser.iptables.target.Notrack;
import io.pktpath.parser.iptables.target.Redirect;
import io.pktpath.parser.iptables.target.Snat;
import io.pktpath.parser.iptables.target.StatementVerdict;
import io.pktpath.parser.iptables.target.Target;
import io.pktpath.parser.iptables.target.UnsupportedTarget;
import java.util.Optional;
import java.util.Set;

/**
 * Whether conntrack runs on the node (§2.1): its hooks are registered on demand, so it is on exactly when some rule
 * needs it (a NAT target, {@code -m conntrack/state/connmark/connlimit}, CONNMARK, CT, NOTRACK, ...).
 */
public final class ConntrackPolicy {
    private static final Set<String> CT_MODULES = Set.of("conntrack", "state", "connmark", "connlimit", "connbytes",
            "connlabel", "helper", "cluster", "ipvs");
    private static final Set<String> CT_TARGETS = Set.of("CONNSECMARK", "CONNLABEL", "TPROXY", "SYNPROXY");

    private ConntrackPolicy() {
    }

    /** True if any rule of either dump needs conntrack. */
    public static boolean isEnabled(Ruleset v4, Ruleset v6) {
        return firstUser(v4, v6).isPresent();
    }

    /** The first rule (IPv4 dump first, file order) that makes conntrack run, as "table CHAIN #n: reason". */
    public static Optional<String> firstUser(Ruleset v4, Ruleset v6) {
        Optional<String> r = firstUser(v4);
        return r.isPresent() ? r : firstUser(v6);
    }

    private static Optional<String> firstUser(Ruleset rs) {
        for (Table t : rs.tables()) {
            for (Chain c : t.chains()) {
                for (Rule rule : c.rules()) {
                    Optional<String> why = reason(rule);
                    if (why.isPresent()) {
                        return Optional.of(t.name() + " " + c.name() + " #" + rule.position() + ": " + why.get());
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> reason(Rule rule) {
        // a native nft rule's statement before its verdict (ct mark set ... accept) needs conntrack as its target would
        Target t = StatementVerdict.statementOf(rule.target()).orElse(rule.target());
        if (t instanceof Dnat || t instanceof Snat || t instanceof Masquerade || t instanceof Redirect
                || t instanceof Netmap || t instanceof Connmark || t instanceof Ct || t instanceof Notrack
                || t instanceof UnsupportedTarget u && CT_TARGETS.contains(u.name())) {
            return Optional.of("target " + t.render().split(" ")[1] + " needs conntrack");
        }
        for (Match m : rule.matches()) {
            String module = m instanceof ConntrackMatch ? "conntrack" : m instanceof StateMatch ? "state"
                    : m instanceof ConnmarkMatch ? "connmark" : m instanceof ConnlimitMatch ? "connlimit"
                    : m instanceof NftCountMatch ? "connlimit (nft's ct count)"
                    : m instanceof NftSetElementMatch e && e.stateful().orElse(null) instanceof NftCountMatch
                    ? "connlimit (nft's ct count of a set element)"
                    : m instanceof UnsupportedMatch u && CT_MODULES.contains(u.module()) ? u.module() : null;
            if (module != null) {
                return Optional.of("-m " + module + " needs conntrack");
            }
        }
        return Optional.empty();
    }
}
