package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.OptionValue;

/** {@code -m iprange [!] --src-range/--dst-range a-b}: an inclusive address range. */
final class IprangeEvaluator implements MatchEvaluator {
    private final boolean source;
    private final OptionValue.AddressRange range;
    private final boolean negated;
    private final String text;

    IprangeEvaluator(boolean source, OptionValue.AddressRange range, boolean negated, String text) {
        this.source = source;
        this.range = range;
        this.negated = negated;
        this.text = text;
    }

    @Override
    public boolean test(Evaluation e) {
        return range.contains(source ? e.packet.src() : e.packet.dst()) != negated;
    }

    @Override
    public Mismatch explain(Evaluation e) {
        return new Mismatch(text, (source ? "src " : "dst ") + (source ? e.packet.src() : e.packet.dst()));
    }

    @Override
    public boolean pure() {
        return true;
    }
}
