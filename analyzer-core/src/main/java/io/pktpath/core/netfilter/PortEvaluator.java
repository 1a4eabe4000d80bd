package io.pktpath.core.netfilter;

import io.pktpath.core.engine.Packet;
import io.pktpath.parser.iptables.match.MatchOption;
import io.pktpath.parser.net.PortRange;

/** {@code -m tcp/udp/sctp [!] --sport/--dport a[:b]}: false for other protocols and non-first fragments, even negated. */
final class PortEvaluator implements MatchEvaluator {
    private final int proto;
    private final boolean source;
    private final int from;
    private final int to;
    private final boolean negated;
    private final String module;
    private final MatchOption option;

    /** The text ({@link Describe#option} of module and option) is built only when a miss is explained. */
    PortEvaluator(int proto, boolean source, PortRange range, boolean negated, String module, MatchOption option) {
        this.proto = proto;
        this.source = source;
        this.from = range.from();
        this.to = range.to();
        this.negated = negated;
        this.module = module;
        this.option = option;
    }

    /**
     * The ports of a non-negated {@code --dport N} or {@code --dport A:B} of at most {@code max} ports, ascending, for
     * the chain index; empty otherwise.
     */
    int[] destinationPorts(int max) {
        if (source || negated || to < from || to - from >= max) {
            return new int[0];
        }
        int[] out = new int[to - from + 1];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i;
        }
        return out;
    }

    int proto() {
        return proto;
    }

    boolean source() {
        return source;
    }

    boolean negated() {
        return negated;
    }

    /** The first port of the range. */
    int from() {
        return from;
    }

    /** The last port of the range (before {@link #from} for an empty range). */
    int to() {
        return to;
    }

    @Override
    public boolean test(Evaluation e) {
        return holds(e.packet, proto, source, from, to, negated);
    }

    /**
     * True if {@code p} has a {@code proto} header whose source (or destination) port is in [from, to], or is not when
     * {@code negated}; false without such a header either way.
     */
    static boolean holds(Packet p, int proto, boolean source, int from, int to, boolean negated) {
        if (p.proto() != proto || !p.hasPorts()) {
            return false;
        }
        int port = source ? p.sport() : p.dport();
        return (port >= from && port <= to) != negated;
    }

    @Override
    public Mismatch explain(Evaluation e) {
        String text = Describe.option(module, option);
        if (e.packet.proto() != proto || !e.packet.hasPorts()) {
            return new Mismatch(text, "not a " + Describe.proto(proto) + " header: proto " + Describe.proto(e.packet.proto())
                    + (e.nonFirstFragment() ? ", non-first fragment" : ""));
        }
        return new Mismatch(text, (source ? "sport " : "dport ") + (source ? e.packet.sport() : e.packet.dport()));
    }

    @Override
    public boolean pure() {
        return true;
    }
}
