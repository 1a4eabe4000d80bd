package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.OptionValue;

/** {@code -m multiport [!] --sports/--dports/--ports list}: up to 15 ports or ranges; {@code --ports} tests either port. */
final class MultiportEvaluator implements MatchEvaluator {
    /** Which ports of the packet are tested. */
    enum Which { SOURCE, DESTINATION, EITHER }

    private final Which which;
    private final int[] from;
    private final int[] to;
    private final boolean negated;
    private final String text;

    MultiportEvaluator(Which which, OptionValue.PortList list, boolean negated, String text) {
        this.which = which;
        this.from = list.ports().stream().mapToInt(r -> r.from()).toArray();
        this.to = list.ports().stream().mapToInt(r -> r.to()).toArray();
        this.negated = negated;
        this.text = text;
    }

    /**
     * The ports of a non-negated {@code --dports} list of at most {@code max} ports in all, ascending and distinct, for
     * the chain index; empty otherwise.
     */
    int[] destinationPorts(int max) {
        if (which != Which.DESTINATION || negated) {
            return new int[0];
        }
        java.util.TreeSet<Integer> ports = new java.util.TreeSet<>();
        for (int i = 0; i < from.length; i++) {
            if (to[i] - from[i] >= max) {
                return new int[0];
            }
            for (int p = from[i]; p <= to[i]; p++) {
                ports.add(p);
            }
        }
        return ports.size() > max ? new int[0] : ports.stream().mapToInt(Integer::intValue).toArray();
    }

    private boolean contains(int port) {
        for (int i = 0; i < from.length; i++) {
            if (port >= from[i] && port <= to[i]) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean test(Evaluation e) {
        if (!e.packet.hasPorts()) {
            return false;
        }
        boolean hit = switch (which) {
            case SOURCE -> contains(e.packet.sport());
            case DESTINATION -> contains(e.packet.dport());
            case EITHER -> contains(e.packet.sport()) || contains(e.packet.dport());
        };
        return hit != negated;
    }

    @Override
    public Mismatch explain(Evaluation e) {
        if (!e.packet.hasPorts()) {
            return new Mismatch(text, "no ports: proto " + Describe.proto(e.packet.proto()));
        }
        return new Mismatch(text, switch (which) {
            case SOURCE -> "sport " + e.packet.sport();
            case DESTINATION -> "dport " + e.packet.dport();
            case EITHER -> "sport " + e.packet.sport() + " dport " + e.packet.dport();
        });
    }

    @Override
    public boolean pure() {
        return true;
    }
}
