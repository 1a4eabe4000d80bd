package io.pktpath.core.netfilter;

import io.pktpath.parser.ipset.IpSet;
import io.pktpath.parser.iptables.target.SetTarget;
import io.pktpath.parser.iptables.target.SetTarget.SetOperand;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code -j SET}: adds the packet's element to a set or deletes it (xt_SET revision 3), recorded as state updates that
 * count only on the branch the replay keeps; without {@code --exist} an existing member keeps its timeout.
 */
final class SetTargetEffects {
    private static final long NANOS = 1_000_000_000L;

    private SetTargetEffects() {
    }

    static List<String> apply(SetTarget t, Evaluation e) {
        List<String> effects = new ArrayList<>();
        t.addSet().ifPresent(a -> effects.add(add(t, a, e)));
        t.delSet().ifPresent(d -> effects.add(del(d, e)));
        t.mapSet().ifPresent(m -> {
            e.note(e.rule.label() + ": SET --map-set " + m.name() + " is not replayed (the skbinfo it would map to the"
                    + " packet is ignored)");
            effects.add("--map-set " + m.name() + " not replayed");
        });
        return effects;
    }

    private static String add(SetTarget t, SetOperand a, Evaluation e) {
        Optional<IpSet> set = known(a, e);
        if (set.isEmpty()) {
            return "not added: ipset " + a.name() + " " + why(a, e);
        }
        Optional<IpsetKey> key = IpsetMembership.key(e, a.name(), a.directions());
        if (key.isEmpty()) {
            return "not added to " + a.name() + ": the packet has no value for each of its dimensions ("
                    + String.join(",", a.directions()) + ")";
        }
        OptionalTimeout timeout = timeout(t, set.get());
        String element = key.get().elementText();
        if (IpsetMembership.memberNow(e, key.get(), a.directions()) && !t.exist()) {
            return element + " already a member of " + a.name() + " (timeout not refreshed without --exist)";
        }
        boolean was = IpsetMembership.memberNow(e, key.get(), a.directions());
        long now = e.packet.timeNanos();
        long expires = timeout.seconds() > 0 ? now + timeout.seconds() * NANOS : Long.MAX_VALUE;
        e.state().record(new StateUpdate.IpsetAdd(key.get(), expires));
        String when = timeout.seconds() > 0 ? " (timeout " + timeout.seconds() + " s" + timeout.origin() + ")" : "";
        return (was ? "refreshed " + element + " in " : "added " + element + " to ") + a.name() + when;
    }

    private static String del(SetOperand d, Evaluation e) {
        Optional<IpSet> set = known(d, e);
        if (set.isEmpty()) {
            return "not deleted: ipset " + d.name() + " " + why(d, e);
        }
        Optional<IpsetKey> key = IpsetMembership.key(e, d.name(), d.directions());
        if (key.isEmpty()) {
            return "not deleted from " + d.name() + ": the packet has no value for each of its dimensions ("
                    + String.join(",", d.directions()) + ")";
        }
        boolean was = IpsetMembership.memberNow(e, key.get(), d.directions());
        if (!was) {
            return key.get().elementText() + " not a member of " + d.name() + ": nothing deleted";
        }
        e.state().record(new StateUpdate.IpsetDel(key.get()));
        return "deleted " + key.get().elementText() + " from " + d.name();
    }

    /** The set when the bundle has it and it is not a list:set; otherwise a note says the rule is not applied. */
    private static Optional<IpSet> known(SetOperand op, Evaluation e) {
        Optional<IpSet> set = e.ctx.facts().ipset(op.name());
        if (set.isEmpty() || set.get().type().method().equals("list")) {
            e.note(e.rule.label() + ": SET not applied: ipset " + op.name() + " " + why(op, e));
            return Optional.empty();
        }
        return set;
    }

    private static String why(SetOperand op, Evaluation e) {
        return e.ctx.facts().ipset(op.name()).isPresent() ? "is a list:set (its member sets' changes are not replayed)"
                : "is not defined by the bundle's ipset save";
    }

    /**
     * The timeout of an added element: the rule's {@code --timeout}, else the set's default; none when the set was
     * created without timeout support (the kernel then ignores both) or the value is 0 (permanent).
     */
    private static OptionalTimeout timeout(SetTarget t, IpSet set) {
        String def = set.options().get("timeout");
        if (def == null) {
            return new OptionalTimeout(0, "");
        }
        if (t.timeoutSeconds().isPresent()) {
            return new OptionalTimeout(t.timeoutSeconds().get(), "");
        }
        try {
            return new OptionalTimeout(Long.parseLong(def), ", the set's default");
        } catch (NumberFormatException ex) {
            return new OptionalTimeout(0, "");
        }
    }

    /** A timeout in seconds (0: none) and where it came from. */
    private record OptionalTimeout(long seconds, String origin) {
    }
}
