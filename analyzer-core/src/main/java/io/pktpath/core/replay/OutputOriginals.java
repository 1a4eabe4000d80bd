package io.pktpath.core.replay;

import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.iptables.match.AddressMatch;
import io.pktpath.parser.iptables.match.Match;
import io.pktpath.parser.iptables.match.OptionValue;
import io.pktpath.parser.iptables.match.TcpMatch;
import io.pktpath.parser.iptables.match.UdpMatch;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Negatable;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.model.Table;
import io.pktpath.parser.iptables.target.Dnat;
import io.pktpath.parser.iptables.target.Goto;
import io.pktpath.parser.iptables.target.Jump;
import io.pktpath.parser.iptables.target.StatementVerdict;
import io.pktpath.parser.iptables.target.Target;
import io.pktpath.parser.net.IpAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds what a locally generated packet looked like before nat OUTPUT rewrote it. The capture shows the first packet of
 * a local connection after DNAT (its destination is an endpoint, not the service address the socket used), so the
 * replay looks for DNAT rules that produce the seen destination and climbs the jumps to them, collecting the
 * {@code -d} and {@code --dport} that lead there (kube-proxy's {@code -d VIP/32 ... --dport P -j KUBE-SVC-...}).
 */
final class OutputOriginals {
    private final Map<String, List<Rule>> callers = new HashMap<>();
    private final List<Rule> dnatRules = new ArrayList<>();

    OutputOriginals(Ruleset ruleset) {
        Optional<Table> nat = ruleset.table("nat");
        if (nat.isEmpty()) {
            return;
        }
        for (Chain chain : nat.get().chains()) {
            for (Rule rule : chain.rules()) {
                Target verdict = StatementVerdict.verdictOf(rule.target());
                if (verdict instanceof Jump j) {
                    callers.computeIfAbsent(j.chain(), k -> new ArrayList<>()).add(rule);
                } else if (verdict instanceof Goto g) {
                    callers.computeIfAbsent(g.chain(), k -> new ArrayList<>()).add(rule);
                } else if (rule.target() instanceof Dnat) {
                    dnatRules.add(rule);
                }
            }
        }
    }

    /**
     * Candidate tuples the socket may have sent, most specific first; the seen tuple itself is always last. Where the
     * path to the DNAT names no destination (Docker's {@code --dst-type LOCAL}), the node's own addresses are tried,
     * the seen source first (a socket talking to a local address uses it as its source).
     */
    List<Tuple> candidates(Tuple seen, List<IpAddress> localAddresses) {
        Set<Tuple> out = new LinkedHashSet<>();
        for (Rule rule : dnatRules) {
            Dnat dnat = (Dnat) rule.target();
            if (!produces(dnat, seen)) {
                continue;
            }
            Set<String> visited = new HashSet<>();
            collect(rule, Optional.empty(), Optional.empty(), seen, out, visited, 0, localAddresses);
        }
        out.add(seen);
        return List.copyOf(out);
    }

    private static boolean produces(Dnat dnat, Tuple seen) {
        var range = dnat.range();
        if (range.from().isPresent()) {
            IpAddress from = range.from().get();
            IpAddress to = range.to().get();
            if (from.family() != seen.dst().family() || seen.dst().compareTo(from) < 0 || seen.dst().compareTo(to) > 0) {
                return false;
            }
        }
        return range.ports().map(p -> p.contains(seen.dport())).orElse(true);
    }

    private void collect(Rule rule, Optional<IpAddress> dst, Optional<Integer> dport, Tuple seen, Set<Tuple> out,
                         Set<String> visited, int depth, List<IpAddress> localAddresses) {
        Optional<IpAddress> d = dst.isPresent() ? dst : hostDestination(rule);
        Optional<Integer> p = dport.isPresent() ? dport : destinationPort(rule);
        if (rule.chain().equals("OUTPUT") || depth > 16) {
            if (d.isPresent()) {
                out.add(new Tuple(seen.protocol(), seen.src(), seen.sport(), d.get(), p.orElse(seen.dport())));
            } else {
                List<IpAddress> locals = new ArrayList<>();
                if (localAddresses.contains(seen.src())) {
                    locals.add(seen.src());
                }
                localAddresses.stream().filter(a -> a.family() == seen.dst().family() && !locals.contains(a)
                        && !(a.isV4() && (a.v4Bits() >>> 24) == 127)).forEach(locals::add);
                for (IpAddress local : locals) {
                    out.add(new Tuple(seen.protocol(), seen.src(), seen.sport(), local, p.orElse(seen.dport())));
                }
            }
            return;
        }
        if (!visited.add(rule.chain())) {
            return;
        }
        for (Rule caller : callers.getOrDefault(rule.chain(), List.of())) {
            collect(caller, d, p, seen, out, visited, depth + 1, localAddresses);
        }
        visited.remove(rule.chain());
    }

    private static Optional<IpAddress> hostDestination(Rule rule) {
        for (Match m : rule.matches()) {
            if (m instanceof AddressMatch a && a.side() == AddressMatch.Side.DESTINATION && !a.negated() && a.cidr().isHost()) {
                return Optional.of(a.cidr().address());
            }
        }
        return Optional.empty();
    }

    private static Optional<Integer> destinationPort(Rule rule) {
        for (Match m : rule.matches()) {
            Optional<Negatable<OptionValue.Ports>> port = m instanceof TcpMatch t ? t.destinationPort()
                    : m instanceof UdpMatch u ? u.destinationPort() : Optional.empty();
            if (port.isPresent() && !port.get().negated() && port.get().value().range().isSingle()) {
                return Optional.of(port.get().value().range().from());
            }
        }
        return Optional.empty();
    }
}
