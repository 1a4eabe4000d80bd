package io.pktpath.core.netfilter;

import io.pktpath.core.engine.LinkClass;
import java.util.Locale;

/** {@code -m pkttype [!] --pkt-type unicast|broadcast|multicast|otherhost}: the frame's link-layer class. */
final class PkttypeEvaluator implements MatchEvaluator {
    private final String wanted;
    private final boolean negated;
    private final String text;

    PkttypeEvaluator(String type, boolean negated, String text) {
        this.wanted = type.toLowerCase(Locale.ROOT).equals("host") ? "unicast" : type.toLowerCase(Locale.ROOT);
        this.negated = negated;
        this.text = text;
    }

    private static String name(LinkClass c) {
        return c.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public boolean test(Evaluation e) {
        return name(e.packet.linkClass()).equals(wanted) != negated;
    }

    @Override
    public Mismatch explain(Evaluation e) {
        return new Mismatch(text, "pkt-type " + name(e.packet.linkClass()));
    }

    @Override
    public boolean pure() {
        return true;
    }
}
