package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.InterfaceMatch;

/**
 * {@code [!] -i/-o name[+]}; the device name is empty where the hook has none (semantics §4.1), so in a user chain
 * reached from PREROUTING {@code -o X} is false, {@code ! -o X} true and {@code -o +} true.
 */
final class InterfaceEvaluator implements MatchEvaluator {
    private final boolean in;
    private final boolean negated;
    private final boolean wildcard;
    private final String name;
    private final String text;

    InterfaceEvaluator(InterfaceMatch m) {
        this.in = m.side() == InterfaceMatch.Side.IN;
        this.negated = m.negated();
        this.wildcard = m.wildcard();
        this.name = wildcard ? m.name().substring(0, m.name().length() - 1) : m.name();
        this.text = (negated ? "! " : "") + (in ? "-i " : "-o ") + m.name();
    }

    @Override
    public boolean test(Evaluation e) {
        String dev = in ? e.inName() : e.outName();
        boolean hit = wildcard ? dev.startsWith(name) : dev.equals(name);
        return hit != negated;
    }

    @Override
    public Mismatch explain(Evaluation e) {
        return new Mismatch(text, (in ? "in " : "out ") + Describe.device(in ? e.inName() : e.outName()));
    }

    @Override
    public boolean pure() {
        return true;
    }
}
