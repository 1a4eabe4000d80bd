package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.MatchOption;
import io.pktpath.parser.iptables.match.ModuleMatch;
import io.pktpath.parser.iptables.match.Protocols;

/** Texts for misses and steps, built once at compile time (or only when misses are explained). */
final class Describe {
    private Describe() {
    }

    /** {@code -m tcp ! --dport 443}. */
    static String option(String module, MatchOption o) {
        String value = value(o);
        return "-m " + module + " " + (o.negated() ? "! " : "") + o.name() + (value.isEmpty() ? "" : " " + value);
    }

    /** {@code -m conntrack --ctstate NEW --ctdir ORIGINAL}: the module with all its options. */
    static String module(ModuleMatch m) {
        StringBuilder sb = new StringBuilder("-m ").append(m.module());
        for (MatchOption o : m.options()) {
            String value = value(o);
            sb.append(' ').append(o.negated() ? "! " : "").append(o.name()).append(value.isEmpty() ? "" : " " + value);
        }
        return sb.toString();
    }

    /** The argument as iptables-save prints it (a MAC address is never quoted). */
    private static String value(MatchOption o) {
        if (o.name().equals("--mac-source") && o.value() instanceof io.pktpath.parser.iptables.match.OptionValue.Text t) {
            return t.text();
        }
        if (o.value() instanceof io.pktpath.parser.iptables.match.OptionValue.Probability p) {
            return ProbabilityText.of(p.numerator());
        }
        return o.value().render();
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    static String proto(int number) {
        return Protocols.name(number);
    }

    static String device(String name) {
        return name.isEmpty() ? "(none)" : name;
    }
}
