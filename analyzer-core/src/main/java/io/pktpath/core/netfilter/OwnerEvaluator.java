package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.MatchOption;
import io.pktpath.parser.iptables.match.OwnerMatch;

/**
 * {@code -m owner}: a packet without a local socket (every forwarded packet) matches exactly when every given option is
 * negated, as the kernel's {@code owner_mt} does; for locally generated packets the socket owner is unknown offline.
 */
final class OwnerEvaluator implements MatchEvaluator {
    private final boolean allNegated;
    private final String text;

    OwnerEvaluator(OwnerMatch m) {
        this.allNegated = m.options().stream().filter(o -> !o.name().equals("--suppl-groups")).allMatch(MatchOption::negated);
        this.text = Describe.module(m);
    }

    @Override
    public boolean test(Evaluation e) {
        if (!e.packet.locallyGenerated()) {
            return allNegated;
        }
        return e.chooseUnknown("cannot be evaluated offline: owner (socket owner of a local packet)");
    }

    @Override
    public Mismatch explain(Evaluation e) {
        return new Mismatch(text, e.packet.locallyGenerated() ? "oracle chose no match" : "no local socket (not locally generated)");
    }
}
