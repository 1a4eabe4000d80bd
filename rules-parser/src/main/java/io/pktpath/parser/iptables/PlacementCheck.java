package io.pktpath.parser.iptables;

import io.pktpath.parser.iptables.match.InterfaceMatch;
import io.pktpath.parser.iptables.match.Match;
import io.pktpath.parser.iptables.match.ProtocolMatch;
import io.pktpath.parser.iptables.target.Ct;
import io.pktpath.parser.iptables.target.Dnat;
import io.pktpath.parser.iptables.target.Masquerade;
import io.pktpath.parser.iptables.target.Netmap;
import io.pktpath.parser.iptables.target.Notrack;
import io.pktpath.parser.iptables.target.Redirect;
import io.pktpath.parser.iptables.target.Reject;
import io.pktpath.parser.iptables.target.Snat;
import io.pktpath.parser.iptables.target.Target;
import io.pktpath.parser.iptables.target.Tproxy;
import java.util.List;
import java.util.Set;

/**
 * Warns about rules the kernel refuses at insertion (semantics §3.2, §4.1 and §10.4): REJECT outside filter, NAT targets
 * outside their nat chains, {@code -o} in PREROUTING/INPUT, {@code -i} in OUTPUT/POSTROUTING, NAT ports without {@code -p}.
 * Chain restrictions are checked for built-in chains only (the kernel checks user chains by the hooks that reach them).
 */
final class PlacementCheck {
    private static final Set<String> BUILTIN = Set.of("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING");
    private static final Set<Integer> PORT_PROTOCOLS = Set.of(6, 17, 33, 132, 136);

    private PlacementCheck() {
    }

    /** True if a match requires a protocol with ports ({@code -p tcp} and the like, not negated). */
    private static boolean hasPortProtocol(List<Match> matches) {
        for (Match m : matches) {
            if (m instanceof ProtocolMatch p && !p.negated() && PORT_PROTOCOLS.contains(p.number())) {
                return true;
            }
        }
        return false;
    }

    /** True for the kernel's built-in chain names (the ones with a policy). */
    static boolean isBuiltin(String chain) {
        return BUILTIN.contains(chain);
    }

    static void check(LineContext ctx, String chain, List<Match> matches, int[] columns, Target target, int targetColumn) {
        boolean builtin = BUILTIN.contains(chain);
        for (int k = 0; k < matches.size(); k++) {
            if (builtin && matches.get(k) instanceof InterfaceMatch m) {
                boolean refused = m.side() == InterfaceMatch.Side.OUT ? chain.equals("PREROUTING") || chain.equals("INPUT")
                        : chain.equals("OUTPUT") || chain.equals("POSTROUTING");
                if (refused) {
                    ctx.warn(IptCode.IPT106, columns[k], m.spelledOption() + " is refused in " + chain
                            + " (no " + (m.side() == InterfaceMatch.Side.OUT ? "output" : "input") + " device there)",
                            m.side() == InterfaceMatch.Side.OUT ? "-o only in FORWARD, OUTPUT, POSTROUTING"
                                    : "-i only in PREROUTING, INPUT, FORWARD");
                }
            }
        }
        String table = ctx.table();
        String refused = refusal(table, chain, builtin, target);
        if (refused != null) {
            ctx.warn(IptCode.IPT106, targetColumn, refused, allowed(target));
        }
        if (TargetParser.hasNatPorts(target) && !hasPortProtocol(matches)) {
            ctx.warn(IptCode.IPT106, targetColumn, "a NAT port range needs -p tcp, udp, sctp or dccp in the same rule",
                    "-p tcp or -p udp before the NAT target");
        }
    }

    private static String refusal(String table, String chain, boolean builtin, Target t) {
        if (t instanceof Reject && !table.equals("filter")) {
            return "REJECT is refused outside the filter table (here: " + table + ")";
        }
        if (t instanceof Tproxy) {
            if (!table.equals("mangle")) {
                return "TPROXY is refused outside the mangle table (here: " + table + ")";
            }
            return !builtin || chain.equals("PREROUTING") ? null : "TPROXY is refused in mangle " + chain;
        }
        if (t instanceof Notrack || t instanceof Ct) {
            return table.equals("raw") ? null : targetName(t) + " is refused outside the raw table (here: " + table + ")";
        }
        boolean nat = t instanceof Dnat || t instanceof Snat || t instanceof Masquerade || t instanceof Redirect
                || t instanceof Netmap;
        if (!nat) {
            return null;
        }
        if (!table.equals("nat")) {
            return targetName(t) + " is refused outside the nat table (here: " + table + ")";
        }
        if (!builtin) {
            return null;
        }
        boolean ok;
        if (t instanceof Dnat || t instanceof Redirect) {
            ok = chain.equals("PREROUTING") || chain.equals("OUTPUT");
        } else if (t instanceof Snat) {
            ok = chain.equals("POSTROUTING") || chain.equals("INPUT");
        } else if (t instanceof Masquerade) {
            ok = chain.equals("POSTROUTING");
        } else {
            ok = true;
        }
        return ok ? null : targetName(t) + " is refused in nat " + chain;
    }

    private static String allowed(Target t) {
        return switch (targetName(t)) {
            case "REJECT" -> "REJECT only in the filter table";
            case "NOTRACK", "CT" -> "the raw table";
            case "TPROXY" -> "mangle PREROUTING, or a chain reached from it";
            case "DNAT", "REDIRECT" -> "nat PREROUTING or OUTPUT, or a chain reached from them";
            case "SNAT" -> "nat POSTROUTING or INPUT, or a chain reached from them";
            case "MASQUERADE" -> "nat POSTROUTING, or a chain reached from it";
            default -> "the nat table";
        };
    }

    private static String targetName(Target t) {
        String r = t.render();
        if (r.length() < 4) {
            return "";
        }
        int sp = r.indexOf(' ', 3);
        return sp < 0 ? r.substring(3) : r.substring(3, sp);
    }
}
