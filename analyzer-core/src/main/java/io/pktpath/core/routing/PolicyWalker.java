package io.pktpath.core.routing;

import io.pktpath.parser.iproute.PolicyRule;
import io.pktpath.parser.iproute.Route;
import io.pktpath.parser.iproute.RouteType;
import io.pktpath.parser.iproute.RuleAction;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Walks the policy rules of one family in priority order (netfilter-semantics §6.1): the first rule whose table yields a
 * route decides; {@code throw}, an empty or missing table, {@code nop} and a suppressed result continue with the next
 * rule; {@code goto} jumps to the rule with the target priority; rule actions blackhole/unreachable/prohibit decide.
 */
final class PolicyWalker {
    private final List<CompiledRule> rules;
    private final Map<String, RouteTable> tables;

    PolicyWalker(List<CompiledRule> rules, Map<String, RouteTable> tables) {
        this.rules = List.copyOf(rules);
        this.tables = Map.copyOf(tables);
    }

    Optional<RouteTable> table(String name) {
        return Optional.ofNullable(tables.get(name));
    }

    boolean hasCustomRules() {
        for (CompiledRule r : rules) {
            PolicyRule p = r.rule();
            boolean isDefault = p.action() == RuleAction.LOOKUP && !p.not() && p.from().isEmpty() && p.to().isEmpty()
                    && p.fwmark().isEmpty() && p.iif().isEmpty() && p.oif().isEmpty()
                    && (p.priority() == 0 && r.table().equals(Tables.LOCAL)
                    || p.priority() == 32766 && r.table().equals(Tables.MAIN)
                    || p.priority() == 32767 && r.table().equals(Tables.DEFAULT));
            if (!isDefault) {
                return true;
            }
        }
        return false;
    }

    /** True when a rule selects by {@code ipproto}, {@code sport} or {@code dport}: then a lookup reads those fields. */
    boolean selectsProtocolOrPorts() {
        for (CompiledRule r : rules) {
            PolicyRule p = r.rule();
            if (p.ipproto().isPresent() || p.sport().isPresent() || p.dport().isPresent()) {
                return true;
            }
        }
        return false;
    }

    /** True when a rule selects by {@code iif}: then a lookup reads the input device. */
    boolean selectsInputDevice() {
        for (CompiledRule r : rules) {
            if (r.rule().iif().isPresent()) {
                return true;
            }
        }
        return false;
    }

    /** True when a rule selects by source ({@code from} other than all): then a lookup reads the source address. */
    boolean selectsSource() {
        for (CompiledRule r : rules) {
            if (r.rule().from().isPresent()) {
                return true;
            }
        }
        return false;
    }

    FibOutcome walk(FlowKey k) {
        List<String> notes = null;
        boolean throwSeen = false;
        int i = 0;
        while (i < rules.size()) {
            CompiledRule r = rules.get(i);
            Optional<String> doubt = r.uncertainty(k);
            if (doubt.isPresent()) {
                notes = add(notes, doubt.get());
            }
            if (!r.matches(k)) {
                i++;
                continue;
            }
            PolicyRule p = r.rule();
            switch (p.action()) {
                case GOTO -> {
                    i = gotoTarget(i, p.gotoPriority().orElse(-1));
                    continue;
                }
                case NOP -> {
                    i++;
                    continue;
                }
                case BLACKHOLE, UNREACHABLE, PROHIBIT -> {
                    RouteType t = RouteType.valueOf(p.action().name());
                    return new FibOutcome(Optional.of(p), "", Optional.empty(), Optional.of(t), throwSeen, list(notes));
                }
                default -> {
                    // LOOKUP below
                }
            }
            RouteTable table = tables.get(r.table());
            Optional<Route> hit = table == null ? Optional.empty() : table.lookup(k.dst());
            if (hit.isEmpty()) {
                i++;
                continue;
            }
            Route route = hit.get();
            if (route.type() == RouteType.THROW) {
                throwSeen = true;
                notes = add(notes, "throw " + route.destination().toRouteString() + " in table " + r.table()
                        + " (rule " + p.priority() + "): continuing with the next rule");
                i++;
                continue;
            }
            if (!route.type().rejects() && p.suppressPrefixLength().isPresent()
                    && route.destination().prefixLength() <= p.suppressPrefixLength().get()) {
                notes = add(notes, "rule " + p.priority() + " suppress_prefixlength " + p.suppressPrefixLength().get()
                        + " ignored " + route.destination().toRouteString() + " in table " + r.table());
                i++;
                continue;
            }
            return new FibOutcome(Optional.of(p), r.table(), hit, Optional.of(route.type()), throwSeen, list(notes));
        }
        return FibOutcome.none(throwSeen, list(notes));
    }

    /** The index of the first rule with exactly the target priority after {@code from}; past the end when none. */
    private int gotoTarget(int from, int priority) {
        for (int j = from + 1; j < rules.size(); j++) {
            if (rules.get(j).priority() == priority) {
                return j;
            }
            if (rules.get(j).priority() > priority) {
                break;
            }
        }
        return from + 1;
    }

    private static List<String> add(List<String> notes, String note) {
        List<String> out = notes == null ? new ArrayList<>(2) : notes;
        if (!out.contains(note)) {
            out.add(note);
        }
        return out;
    }

    private static List<String> list(List<String> notes) {
        return notes == null ? List.of() : notes;
    }
}
