package io.pktpath.core.routing;

import io.pktpath.parser.iproute.PolicyRule;

import java.util.Locale;
import java.util.Optional;

/** A policy rule with its selectors prepared for matching a {@link FlowKey} (fib_rule_match, fib4/6_rule_match). */
final class CompiledRule {
    private static final int ANY_PROTO = -1;

    private final PolicyRule rule;
    private final String table;
    private final int proto;
    private final boolean uncertainSelectors;

    CompiledRule(PolicyRule rule) {
        this.rule = rule;
        this.uncertainSelectors = rule.oif().isPresent() || rule.uidrange().isPresent()
                || rule.tos().filter(t -> t != 0).isPresent();
        this.table = rule.table().map(Tables::normalize).orElse("");
        this.proto = rule.ipproto().map(CompiledRule::protocolNumber).orElse(ANY_PROTO);
    }

    PolicyRule rule() {
        return rule;
    }

    int priority() {
        return rule.priority();
    }

    /** The table of a {@code lookup} action, with reserved ids as names. */
    String table() {
        return table;
    }

    /**
     * Whether the rule selects the flow; {@code not} inverts the whole selector as the kernel does. A rule whose
     * device is detached, or that needs a TOS, output device or uid the replay does not know, does not select.
     */
    boolean matches(FlowKey k) {
        return rule.not() != selectors(k);
    }

    /** Why the replay could not evaluate a selector of this rule exactly, or empty. */
    Optional<String> uncertainty(FlowKey k) {
        if (!uncertainSelectors) {
            return Optional.empty();
        }
        if (rule.oif().isPresent()) {
            return Optional.of("ip rule " + rule.priority() + " selects oif " + rule.oif().get()
                    + ", known only for sockets bound to a device; treated as not matching");
        }
        if (rule.uidrange().isPresent() && !k.uidKnown()) {
            return Optional.of("ip rule " + rule.priority() + " selects uidrange; the sending socket's uid is unknown,"
                    + " treated as not matching");
        }
        if (rule.tos().isPresent() && rule.tos().get() != 0) {
            return Optional.of("ip rule " + rule.priority() + " selects tos " + rule.tos().get()
                    + "; packet TOS is not tracked, assumed 0");
        }
        return Optional.empty();
    }

    private boolean selectors(FlowKey k) {
        if (rule.detached()) {
            return false;
        }
        if (rule.iif().isPresent() && !rule.iif().get().equals(k.iif())) {
            return false;
        }
        if (rule.oif().isPresent()) {
            return false;
        }
        if (rule.fwmark().isPresent() && !rule.fwmark().get().matches(k.mark())) {
            return false;
        }
        if (rule.uidrange().isPresent() && !(k.uidKnown() && rule.uidrange().get().contains(0))) {
            return false;
        }
        if (proto != ANY_PROTO && proto != k.proto()) {
            return false;
        }
        if (rule.sport().isPresent() && !(k.portsKnown() && rule.sport().get().contains(k.sport()))) {
            return false;
        }
        if (rule.dport().isPresent() && !(k.portsKnown() && rule.dport().get().contains(k.dport()))) {
            return false;
        }
        if (rule.from().isPresent() && !rule.from().get().contains(k.src())) {
            return false;
        }
        if (rule.to().isPresent() && !rule.to().get().contains(k.dst())) {
            return false;
        }
        return rule.tos().isEmpty() || rule.tos().get() == 0;
    }

    /** The protocol number for an {@code ipproto} word as ip-rule prints it (a name from /etc/protocols or a number). */
    static int protocolNumber(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        switch (w) {
            case "icmp": return 1;
            case "igmp": return 2;
            case "ipip": return 4;
            case "tcp": return 6;
            case "udp": return 17;
            case "ipv6": return 41;
            case "gre": return 47;
            case "esp": return 50;
            case "ah": return 51;
            case "ipv6-icmp": case "icmpv6": case "icmp6": return 58;
            case "sctp": return 132;
            case "udplite": return 136;
            default:
                break;
        }
        if (w.startsWith("ipproto-")) {
            w = w.substring("ipproto-".length());
        }
        try {
            return Integer.parseInt(w);
        } catch (NumberFormatException e) {
            return Integer.MIN_VALUE;
        }
    }
}
