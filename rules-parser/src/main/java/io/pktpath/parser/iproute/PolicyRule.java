package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.net.PortRange;

import java.util.Objects;
import java.util.Optional;

/**
 * One routing policy rule of {@code ip [-6] rule} (ip-rule(8)): selectors (empty {@code from}/{@code to} mean
 * {@code all}; {@code fwmark} value/mask; interfaces, tos, ipproto, ports, uid range) and an action with its table,
 * goto target or suppressors; {@code detached} is set when {@code [detached]} follows the iif or oif.
 */
public record PolicyRule(IpFamily family, int priority, boolean not, Optional<Cidr> from, Optional<Cidr> to,
                         Optional<Fwmark> fwmark, Optional<String> iif, Optional<String> oif, Optional<Integer> tos,
                         Optional<String> ipproto, Optional<PortRange> sport, Optional<PortRange> dport,
                         Optional<UidRange> uidrange, Optional<String> protocol, RuleAction action,
                         Optional<String> table, Optional<Integer> gotoPriority, Optional<Integer> suppressPrefixLength,
                         Optional<Integer> suppressIfgroup, boolean detached, SourceSpan span, String text) {
    public PolicyRule {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(fwmark, "fwmark");
        Objects.requireNonNull(iif, "iif");
        Objects.requireNonNull(oif, "oif");
        Objects.requireNonNull(tos, "tos");
        Objects.requireNonNull(ipproto, "ipproto");
        Objects.requireNonNull(sport, "sport");
        Objects.requireNonNull(dport, "dport");
        Objects.requireNonNull(uidrange, "uidrange");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(gotoPriority, "gotoPriority");
        Objects.requireNonNull(suppressPrefixLength, "suppressPrefixLength");
        Objects.requireNonNull(suppressIfgroup, "suppressIfgroup");
        Objects.requireNonNull(span, "span");
        Objects.requireNonNull(text, "text");
    }

    /** The same rule without its position, to compare listings of one node read from different files or forms. */
    public PolicyRule withoutSpan() {
        return new PolicyRule(family, priority, not, from, to, fwmark, iif, oif, tos, ipproto, sport, dport, uidrange,
                protocol, action, table, gotoPriority, suppressPrefixLength, suppressIfgroup, detached,
                new SourceSpan("", 0, 0), text);
    }

    /** A firewall mark selector: matches when {@code (mark & mask) == value}. */
    public record Fwmark(long value, long mask) {
        public boolean matches(long mark) {
            return (mark & mask) == value;
        }
    }

    /** An inclusive range of socket owner uids ({@code uidrange 1000-2000}). */
    public record UidRange(long from, long to) {
        public boolean contains(long uid) {
            return uid >= from && uid <= to;
        }
    }
}
