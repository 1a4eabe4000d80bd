package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.LineError;
import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.net.PortRange;

import java.util.Optional;

/** Reads one {@code ip rule} line into a {@link PolicyRule}. */
final class RuleLineReader {
    private static final String EXPECTED = "a selector (from, to, fwmark, iif, oif, tos, ipproto, sport, dport, uidrange) "
            + "or an action (lookup, goto, nop, blackhole, unreachable, prohibit)";

    private RuleLineReader() {
    }

    /** The mutable fields of a rule while its words are read. */
    private static final class Fields {
        boolean not;
        Optional<Cidr> from = Optional.empty();
        Optional<Cidr> to = Optional.empty();
        Optional<PolicyRule.Fwmark> fwmark = Optional.empty();
        Optional<String> iif = Optional.empty();
        Optional<String> oif = Optional.empty();
        Optional<Integer> tos = Optional.empty();
        Optional<String> ipproto = Optional.empty();
        Optional<PortRange> sport = Optional.empty();
        Optional<PortRange> dport = Optional.empty();
        Optional<PolicyRule.UidRange> uidrange = Optional.empty();
        Optional<String> protocol = Optional.empty();
        RuleAction action = RuleAction.NOP;
        boolean actionSeen;
        Optional<String> table = Optional.empty();
        Optional<Integer> gotoPriority = Optional.empty();
        Optional<Integer> suppressPrefixLength = Optional.empty();
        Optional<Integer> suppressIfgroup = Optional.empty();
        boolean detached;
    }

    static PolicyRule read(TokenCursor c, IpFamily family, SourceSpan span, String text) throws LineError {
        Token prio = c.next();
        if (!prio.text().endsWith(":")) {
            throw new LineError("bad-priority", "rule must start with its priority and ':'", "a priority such as '32766:'",
                    prio.column());
        }
        int priority = TokenCursor.smallNumber(new Token(prio.text().substring(0, prio.text().length() - 1),
                prio.column()), "priority");
        Fields f = new Fields();
        while (c.hasNext()) {
            word(c, c.next(), f);
        }
        if (!f.actionSeen) {
            throw new LineError("missing-action", "rule has no action (line truncated?)",
                    "lookup TABLE, goto PRIO, nop, blackhole, unreachable or prohibit", text.length() + 1);
        }
        return new PolicyRule(family, priority, f.not, f.from, f.to, f.fwmark, f.iif, f.oif, f.tos, f.ipproto, f.sport,
                f.dport, f.uidrange, f.protocol, f.action, f.table, f.gotoPriority, f.suppressPrefixLength,
                f.suppressIfgroup, f.detached, span, text);
    }

    private static void word(TokenCursor c, Token key, Fields f) throws LineError {
        switch (key.text()) {
            case "not" -> f.not = true;
            case "from" -> f.from = prefixOrAll(c.value(key, "a prefix or 'all'"));
            case "to" -> f.to = prefixOrAll(c.value(key, "a prefix or 'all'"));
            case "fwmark" -> f.fwmark = Optional.of(fwmark(c.value(key, "a mark such as 0x1/0xff")));
            case "iif" -> f.iif = Optional.of(c.value(key, "an interface name").text());
            case "oif" -> f.oif = Optional.of(c.value(key, "an interface name").text());
            case "[detached]" -> f.detached = true;
            case "[unresolved]" -> {
                // after 'goto PRIO' when no rule has that priority: the kernel then goes on with the next rule
            }
            case "tos", "dsfield" -> f.tos = Optional.of(tos(c.value(key, "a TOS value")));
            case "ipproto" -> f.ipproto = Optional.of(c.value(key, "a protocol name or number").text());
            case "sport" -> f.sport = Optional.of(ports(c.value(key, "a port or range")));
            case "dport" -> f.dport = Optional.of(ports(c.value(key, "a port or range")));
            case "uidrange" -> f.uidrange = Optional.of(uids(c.value(key, "a uid range such as 1000-2000")));
            case "proto", "protocol" -> f.protocol = Optional.of(c.value(key, "a protocol name").text());
            case "lookup", "table" -> {
                f.table = Optional.of(Tables.normalize(c.value(key, "a table name or number").text()));
                action(f, RuleAction.LOOKUP);
            }
            case "goto" -> {
                f.gotoPriority = Optional.of(TokenCursor.smallNumber(c.value(key, "a rule priority"), "goto"));
                action(f, RuleAction.GOTO);
            }
            case "nop" -> action(f, RuleAction.NOP);
            // ip -N prints these actions as their route type numbers (RTN_BLACKHOLE 6, RTN_UNREACHABLE 7, RTN_PROHIBIT 8)
            case "blackhole", "6" -> action(f, RuleAction.BLACKHOLE);
            case "unreachable", "7" -> action(f, RuleAction.UNREACHABLE);
            case "prohibit", "8" -> action(f, RuleAction.PROHIBIT);
            case "suppress_prefixlength" -> f.suppressPrefixLength = Optional.of(
                    TokenCursor.smallNumber(c.value(key, "a prefix length"), "suppress_prefixlength"));
            case "suppress_ifgroup" -> f.suppressIfgroup = Optional.of(
                    TokenCursor.smallNumber(c.value(key, "an interface group"), "suppress_ifgroup"));
            case "realms", "realm" -> c.value(key, "a realm");
            case "l3mdev" -> action(f, RuleAction.LOOKUP);
            default -> throw new LineError("unknown-keyword", "unknown rule keyword '" + key.text() + "'", EXPECTED,
                    key.column());
        }
    }

    private static void action(Fields f, RuleAction action) {
        f.action = action;
        f.actionSeen = true;
    }

    /** A TOS number, or a name of iproute2's rt_dsfield ({@code tos CS1}), as ip rule prints it. */
    private static int tos(Token t) throws LineError {
        Optional<Integer> named = DsfieldNames.value(t.text());
        return named.isPresent() ? named.get() : TokenCursor.smallNumber(t, "tos");
    }

    private static Optional<Cidr> prefixOrAll(Token t) throws LineError {
        return t.text().equals("all") ? Optional.empty() : Optional.of(TokenCursor.prefix(t));
    }

    private static PolicyRule.Fwmark fwmark(Token t) throws LineError {
        String s = t.text();
        int slash = s.indexOf('/');
        long value = TokenCursor.number(new Token(slash < 0 ? s : s.substring(0, slash), t.column()), "fwmark");
        long mask = slash < 0 ? 0xffffffffL : TokenCursor.number(new Token(s.substring(slash + 1), t.column()), "fwmark mask");
        return new PolicyRule.Fwmark(value, mask);
    }

    private static PortRange ports(Token t) throws LineError {
        try {
            return PortRange.parse(t.text(), '-');
        } catch (InvalidValueException e) {
            throw new LineError("bad-port", e.getMessage(), e.expected(), t.column());
        }
    }

    private static PolicyRule.UidRange uids(Token t) throws LineError {
        String s = t.text();
        int dash = s.indexOf('-');
        if (dash < 0) {
            throw new LineError("bad-number", "uidrange '" + s + "' has no '-'", "a uid range such as 1000-2000", t.column());
        }
        long from = TokenCursor.number(new Token(s.substring(0, dash), t.column()), "uidrange");
        long to = TokenCursor.number(new Token(s.substring(dash + 1), t.column()), "uidrange");
        return new PolicyRule.UidRange(from, to);
    }
}
