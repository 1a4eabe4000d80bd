package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.OptionValue;

/** {@code -m mark [!] --mark v/m} on the packet mark, or {@code -m connmark} on the ct mark (false without a ct, even negated). */
final class MarkEvaluator implements MatchEvaluator {
    private final boolean connmark;
    private final long value;
    private final long mask;
    private final boolean negated;
    private final String text;

    MarkEvaluator(boolean connmark, OptionValue.MarkMask mark, boolean negated, String text) {
        this.connmark = connmark;
        this.value = mark.value();
        this.mask = mark.mask();
        this.negated = negated;
        this.text = text;
    }

    @Override
    public boolean test(Evaluation e) {
        long mark;
        if (connmark) {
            if (e.trackedCt().isEmpty()) {
                return false;
            }
            mark = e.trackedCt().get().ctMark();
        } else {
            mark = e.packet.mark();
        }
        return ((mark & mask) == value) != negated;
    }

    @Override
    public Mismatch explain(Evaluation e) {
        if (connmark) {
            return new Mismatch(text, e.trackedCt().map(ct -> "ctmark " + Describe.hex(ct.ctMark())).orElse("no conntrack entry"));
        }
        return new Mismatch(text, "mark " + Describe.hex(e.packet.mark()));
    }

    @Override
    public boolean pure() {
        return true;
    }
}
