package io.pktpath.core.netfilter;

import io.pktpath.core.trace.Hook;
import java.util.Locale;

/** {@code -m mac [!] --mac-source M}: the frame's source MAC, known only in PREROUTING, INPUT and FORWARD. */
final class MacEvaluator implements MatchEvaluator {
    private final String mac;
    private final boolean negated;
    private final String text;

    MacEvaluator(String mac, boolean negated, String text) {
        this.mac = mac.toLowerCase(Locale.ROOT);
        this.negated = negated;
        this.text = text;
    }

    private static boolean available(Evaluation e) {
        return e.hook == Hook.INGRESS || e.hook == Hook.PREROUTING || e.hook == Hook.INPUT || e.hook == Hook.FORWARD;
    }

    @Override
    public boolean test(Evaluation e) {
        if (!available(e) || e.packet.macSource().isEmpty()) {
            return false;
        }
        return e.packet.macSource().get().toLowerCase(Locale.ROOT).equals(mac) != negated;
    }

    @Override
    public Mismatch explain(Evaluation e) {
        if (!available(e)) {
            return new Mismatch(text, "no source MAC in " + e.hook);
        }
        return new Mismatch(text, "mac " + e.packet.macSource().orElse("(none)"));
    }

    @Override
    public boolean pure() {
        return true;
    }
}
