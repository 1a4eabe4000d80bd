package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.ProtocolMatch;

/** {@code [!] -p proto} (0 = any). */
final class ProtocolEvaluator implements MatchEvaluator {
    private final int number;
    private final boolean negated;
    private final String name;

    ProtocolEvaluator(ProtocolMatch m) {
        this.number = m.number();
        this.negated = m.negated();
        this.name = m.name();
    }

    int number() {
        return negated ? -1 : number;
    }

    /** The protocol number as written (0 = any), whether negated or not. */
    int rawNumber() {
        return number;
    }

    boolean negated() {
        return negated;
    }

    @Override
    public boolean test(Evaluation e) {
        return holds(number, negated, e.packet.proto());
    }

    /** True if {@code proto} is {@code number} (0: any protocol), or is not when {@code negated}. */
    static boolean holds(int number, boolean negated, int proto) {
        return (number == 0 || number == proto) != negated;
    }

    @Override
    public Mismatch explain(Evaluation e) {
        return new Mismatch((negated ? "! " : "") + "-p " + name, "proto " + Describe.proto(e.packet.proto()));
    }

    @Override
    public boolean pure() {
        return true;
    }
}
