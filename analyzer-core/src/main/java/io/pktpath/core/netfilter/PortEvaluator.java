package io.pktpath.core.netfilter;

import io.pktpath.parser.net.PortRange;

/** {@code -m tcp/udp/sctp [!] --sport/--dport a[:b]}: false for other protocols and non-first fragments, even negated. */
final class PortEvaluator implements MatchEvaluator {
    private final int proto;
    private final boolean source;
    private final int from;
    private final int to;
    private final boolean negated;
    private final String text;

    PortEvaluator(int proto, boolean source, PortRange range, boolean negated, String text) {
        this.proto = proto;
        this.source = source;
        this.from = range.from();
        this.to = range.to();
        this.negated = negated;
        this.text = text;
    }

    /** The single destination port of a non-negated {@code --dport N}, or -1, for the chain index. */
    int exactDestinationPort() {
        return !source && !negated && from == to ? from : -1;
    }

    int proto() {
        return proto;
    }

    @Override
    public boolean test(Evaluation e) {
        if (e.packet.proto() != proto || !e.packet.hasPorts()) {
            return false;
        }
        int port = source ? e.packet.sport() : e.packet.dport();
        return (port >= from && port <= to) != negated;
    }

    @Override
    public Mismatch explain(Evaluation e) {
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
