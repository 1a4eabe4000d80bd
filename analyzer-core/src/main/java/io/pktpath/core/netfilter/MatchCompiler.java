package io.pktpath.core.netfilter;

import io.pktpath.core.engine.Packet;
import io.pktpath.parser.iptables.match.AddressMatch;
import io.pktpath.parser.iptables.match.FragmentMatch;
import io.pktpath.parser.iptables.match.InterfaceMatch;
import io.pktpath.parser.iptables.match.Match;
import io.pktpath.parser.iptables.match.ModuleMatch;
import io.pktpath.parser.iptables.match.ProtocolMatch;
import io.pktpath.parser.iptables.match.UnsupportedMatch;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a rule's matches into evaluators in the kernel's order: the basic options first ({@code -s -d -i -o -p -f},
 * as {@code ip_packet_match} tests them), then the match modules as written. Dispatch on the match kind happens here,
 * once per rule.
 */
final class MatchCompiler {
    private static final int MAX_BASIC_RANK = 5;

    private MatchCompiler() {
    }

    static List<MatchEvaluator> compile(List<Match> matches) {
        int n = matches.size();
        List<MatchEvaluator> out = new ArrayList<>(n + 1);
        // each match's rank is found once (a big ruleset has hundreds of thousands of rules); basic options go first
        // in rank order, stable among equal ranks
        int[] ranks = new int[n];
        int basics = 0;
        for (int i = 0; i < n; i++) {
            ranks[i] = basicRank(matches.get(i));
            basics += ranks[i] >= 0 ? 1 : 0;
        }
        for (int rank = 0; rank <= MAX_BASIC_RANK && out.size() < basics; rank++) {
            for (int i = 0; i < n; i++) {
                if (ranks[i] == rank) {
                    out.add(basic(matches.get(i)));
                }
            }
        }
        for (int i = 0; i < n; i++) {
            Match m = matches.get(i);
            if (ranks[i] >= 0) {
                continue;
            }
            if (m instanceof UnsupportedMatch u) {
                String text = ("-m " + u.module() + " " + String.join(" ", u.tokens())).trim();
                String reason = "cannot be evaluated offline: " + text + (u.reason().isEmpty() ? "" : " (" + u.reason() + ")");
                out.add(new UndecidableEvaluator(reason, text));
            } else {
                List<MatchEvaluator> module = ModuleCompiler.compile((ModuleMatch) m);
                for (int j = 0; j < module.size(); j++) {
                    out.add(module.get(j));
                }
            }
        }
        return out;
    }

    /** The place of a basic option in ip_packet_match's order (stable for equal ranks), -1 for a match module. */
    private static int basicRank(Match m) {
        if (m instanceof AddressMatch a) {
            return a.side() == AddressMatch.Side.SOURCE ? 0 : 1;
        }
        if (m instanceof InterfaceMatch i) {
            return i.side() == InterfaceMatch.Side.IN ? 2 : 3;
        }
        if (m instanceof ProtocolMatch) {
            return 4;
        }
        return m instanceof FragmentMatch ? 5 : -1;
    }

    private static MatchEvaluator basic(Match m) {
        if (m instanceof AddressMatch a) {
            return new AddressEvaluator(a);
        }
        if (m instanceof InterfaceMatch i) {
            return new InterfaceEvaluator(i);
        }
        if (m instanceof ProtocolMatch p) {
            return new ProtocolEvaluator(p);
        }
        return new FragmentEvaluator((FragmentMatch) m);
    }

    /** The protocol number a module's header belongs to, or -1. */
    static int protocolOf(String module) {
        return switch (module) {
            case "tcp" -> Packet.TCP;
            case "udp" -> Packet.UDP;
            case "sctp" -> Packet.SCTP;
            case "icmp" -> Packet.ICMP;
            case "icmp6" -> Packet.ICMPV6;
            default -> -1;
        };
    }
}
