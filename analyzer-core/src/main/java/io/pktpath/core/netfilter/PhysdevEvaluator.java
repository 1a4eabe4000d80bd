package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.MatchOption;
import io.pktpath.parser.iptables.match.OptionValue;
import io.pktpath.parser.iptables.match.PhysdevMatch;
import java.util.Optional;

/**
 * {@code -m physdev} as the kernel's {@code physdev_mt}: for a packet that was not bridged it holds only when every
 * option given is negated; for bridged packets it tests the bridge ports (the output port is unknown before routing).
 */
final class PhysdevEvaluator implements MatchEvaluator {
    private final Optional<MatchOption> in;
    private final Optional<MatchOption> out;
    private final Optional<MatchOption> isIn;
    private final Optional<MatchOption> isOut;
    private final Optional<MatchOption> isBridged;
    private final String text;

    PhysdevEvaluator(PhysdevMatch m) {
        this.in = m.option("--physdev-in");
        this.out = m.option("--physdev-out");
        this.isIn = m.option("--physdev-is-in");
        this.isOut = m.option("--physdev-is-out");
        this.isBridged = m.option("--physdev-is-bridged");
        this.text = Describe.module(m);
    }

    private static boolean allNegated(Optional<MatchOption> o) {
        return o.isEmpty() || o.get().negated();
    }

    private static boolean nameHolds(MatchOption o, String dev) {
        String name = ((OptionValue.Text) o.value()).text();
        boolean hit = name.endsWith("+") ? dev.startsWith(name.substring(0, name.length() - 1)) : dev.equals(name);
        return hit != o.negated();
    }

    private static boolean presenceHolds(Optional<MatchOption> o, boolean present) {
        return o.isEmpty() || present != o.get().negated();
    }

    @Override
    public boolean test(Evaluation e) {
        if (!e.packet.bridged()) {
            return allNegated(in) && allNegated(out) && allNegated(isIn) && allNegated(isOut) && allNegated(isBridged);
        }
        String indev = e.packet.physIn();
        String outdev = e.packet.physOut();
        if (!presenceHolds(isBridged, !outdev.isEmpty()) || !presenceHolds(isIn, !indev.isEmpty())
                || !presenceHolds(isOut, !outdev.isEmpty())) {
            return false;
        }
        if (in.isPresent() && !indev.isEmpty() && !nameHolds(in.get(), indev)) {
            return false;
        }
        if (out.isEmpty()) {
            return true;
        }
        return !outdev.isEmpty() && nameHolds(out.get(), outdev);
    }

    @Override
    public Mismatch explain(Evaluation e) {
        if (!e.packet.bridged()) {
            return new Mismatch(text, "not bridged");
        }
        return new Mismatch(text, "physdev in " + Describe.device(e.packet.physIn()) + " out " + Describe.device(e.packet.physOut()));
    }

    @Override
    public boolean pure() {
        return true;
    }
}
