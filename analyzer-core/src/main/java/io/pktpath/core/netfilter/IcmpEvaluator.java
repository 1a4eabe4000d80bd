package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.OptionValue;

/** {@code -m icmp [!] --icmp-type t[/c]|any} and {@code -m icmp6 --icmpv6-type}: false for non-first fragments. */
final class IcmpEvaluator implements MatchEvaluator {
    private final int proto;
    private final OptionValue.IcmpType type;
    private final boolean negated;
    private final String text;

    IcmpEvaluator(int proto, OptionValue.IcmpType type, boolean negated, String text) {
        this.proto = proto;
        this.type = type;
        this.negated = negated;
        this.text = text;
    }

    @Override
    public boolean test(Evaluation e) {
        if (e.packet.proto() != proto || e.nonFirstFragment()) {
            return false;
        }
        return type.matches(e.packet.icmpType(), e.packet.icmpCode()) != negated;
    }

    @Override
    public Mismatch explain(Evaluation e) {
        if (e.packet.proto() != proto) {
            return new Mismatch(text, "proto " + Describe.proto(e.packet.proto()));
        }
        return new Mismatch(text, "icmp type " + e.packet.icmpType() + " code " + e.packet.icmpCode());
    }

    @Override
    public boolean pure() {
        return true;
    }
}
