package io.pktpath.core.netfilter;

import io.pktpath.core.engine.Packet;
import io.pktpath.parser.iptables.match.MatchOption;
import io.pktpath.parser.iptables.match.ModuleMatch;
import io.pktpath.parser.iptables.match.OptionValue;
import java.util.ArrayList;
import java.util.List;

/** Compiles the protocol modules (tcp, udp, sctp, icmp, icmp6) into per-option evaluators in the kernel's order. */
final class L4Compiler {
    private static final List<String> ORDER = List.of("--sport", "--dport", "--tcp-flags", "--syn", "--tcp-option",
            "--icmp-type", "--icmpv6-type");

    private L4Compiler() {
    }

    static List<MatchEvaluator> compile(ModuleMatch m) {
        int proto = MatchCompiler.protocolOf(m.module());
        List<MatchEvaluator> out = new ArrayList<>();
        List<MatchOption> options = m.options();
        for (String name : ORDER) {
            // the last option of each name, as ModuleMatch.option finds it, without an Optional per name
            for (int i = options.size() - 1; i >= 0; i--) {
                if (options.get(i).name().equals(name)) {
                    out.add(option(m, proto, options.get(i)));
                    break;
                }
            }
        }
        for (MatchOption o : options) {
            if (!ORDER.contains(o.name())) {
                String text = Describe.option(m.module(), o);
                out.add(new UndecidableEvaluator("cannot be evaluated offline: " + text, text));
            }
        }
        if (out.isEmpty()) {
            out.add(new L4HeaderEvaluator(proto, "-m " + m.module()));
        }
        return out;
    }

    private static MatchEvaluator option(ModuleMatch m, int proto, MatchOption o) {
        OptionValue v = o.value();
        if (v instanceof OptionValue.Ports p) {
            return new PortEvaluator(proto, o.name().equals("--sport"), p.range(), o.negated(), m.module(), o);
        }
        String text = Describe.option(m.module(), o);
        if (v instanceof OptionValue.TcpFlags f) {
            return new TcpFlagsEvaluator(f.mask(), f.comparison(), o.negated(), text);
        }
        if (o.name().equals("--syn")) {
            return new TcpFlagsEvaluator(Packet.FIN | Packet.SYN | Packet.RST | Packet.ACK, Packet.SYN, o.negated(), text);
        }
        if (v instanceof OptionValue.IcmpType t) {
            return new IcmpEvaluator(proto, t, o.negated(), text);
        }
        if (o.name().equals("--tcp-option")) {
            return new UndecidableEvaluator("tcp options are not in the packet model: " + text, text);
        }
        return new UndecidableEvaluator("cannot be evaluated offline: " + text, text);
    }
}
