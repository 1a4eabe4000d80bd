package io.pktpath.cli.render;

import io.pktpath.core.trace.ChainReturnStep;
import io.pktpath.core.trace.ArpStep;
import io.pktpath.core.trace.CheckStep;
import io.pktpath.core.trace.ConntrackStep;
import io.pktpath.core.trace.HookStep;
import io.pktpath.core.trace.NatStep;
import io.pktpath.core.trace.NeighborStep;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RouteStep;
import io.pktpath.core.trace.RuleMiss;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.core.trace.UndecidedStep;
import io.pktpath.core.trace.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * A packet's path as an indented tree: hooks at the top, rules indented by chain depth (a jump goes one level in),
 * conntrack, NAT rewrites before → after, routing, neighbor and checks; with misses, the rules that did not match are
 * shown where they were evaluated, with the first failing match and the packet's value.
 */
public final class PathTree {
    private final Style style;
    private final List<RuleMiss> misses;
    private final boolean[] shown;
    private final List<String> lines = new ArrayList<>();
    private final List<String> stack = new ArrayList<>();

    private PathTree(Style style, List<RuleMiss> misses) {
        this.style = style;
        this.misses = misses;
        this.shown = new boolean[misses.size()];
    }

    /** The tree's lines, indented by {@code indent} spaces; misses that fit nowhere are listed at the end. */
    public static List<String> render(List<TraceStep> path, List<RuleMiss> misses, Style style, int indent) {
        PathTree t = new PathTree(style, misses);
        path.forEach(t::step);
        t.leftoverMisses();
        String pad = " ".repeat(indent);
        return t.lines.stream().map(l -> pad + l).toList();
    }

    private void step(TraceStep s) {
        if (s instanceof HookStep h) {
            stack.clear();
            add(0, style.bold(h.hook().name()) + (h.tables().isEmpty() ? "" : "  (tables " + String.join(", ", h.tables()) + ")"));
        } else if (s instanceof RuleStep r) {
            rule(r);
        } else if (s instanceof PolicyStep p) {
            int depth = enter(p.table() + "/" + p.chain());
            missesBefore(p.hook().name(), p.table(), p.chain(), Integer.MAX_VALUE, depth);
            add(depth, style.cyan(Labels.policy(p)) + "  -> " + verdict(p.verdict()));
            stack.clear();
        } else if (s instanceof ChainReturnStep c) {
            int depth = enter(c.table() + "/" + c.chain());
            missesBefore(c.hook().name(), c.table(), c.chain(), Integer.MAX_VALUE, depth);
            add(depth, style.dim("end of " + c.table() + " " + c.chain() + ": back to the calling chain"));
            pop();
        } else if (s instanceof ConntrackStep c) {
            add(stack.size() + 1, "conntrack: " + c.state() + (c.reply() ? " reply" : " original") + " direction"
                    + (c.created() ? ", new entry" : "") + ", flow " + c.flowId()
                    + (c.detail().isEmpty() ? "" : " (" + c.detail() + ")"));
        } else if (s instanceof NatStep n) {
            add(stack.size() + 1, style.yellow(n.kind().name()) + " " + n.before() + "  =>  " + n.after()
                    + n.rule().map(r -> "  by " + Labels.rule(r)).orElse("")
                    + (n.detail().isEmpty() ? "" : " (" + n.detail() + ")"));
        } else if (s instanceof RouteStep r) {
            stack.clear();
            add(0, style.bold("ROUTING") + " (" + r.lookup() + "): " + Labels.route(r.decision()));
        } else {
            other(s);
        }
    }

    private void other(TraceStep s) {
        if (s instanceof NeighborStep n) {
            add(1, "neighbor " + n.address() + " dev " + n.dev() + " " + n.state()
                    + (n.deliverable() ? "" : style.red(" (cannot deliver)"))
                    + (n.detail().isEmpty() ? "" : " (" + n.detail() + ")"));
        } else if (s instanceof ArpStep a) {
            add(1, "arp " + a.rule().code() + " on " + a.dev() + ": "
                    + (a.answered() ? style.green("answered") : style.yellow("not answered"))
                    + (a.detail().isEmpty() ? "" : " (" + a.detail() + ")"));
        } else if (s instanceof CheckStep c) {
            add(1, "check " + c.check() + ": " + (c.passed() ? style.green("passed") : style.red("failed"))
                    + (c.detail().isEmpty() ? "" : " (" + c.detail() + ")"));
        } else if (s instanceof UndecidedStep u) {
            add(enter(u.rule().table() + "/" + u.rule().chain()), style.yellow("undecided ") + Labels.rule(u.rule())
                    + ": " + u.reason() + (u.decidedBy().isEmpty() ? "" : "; followed: " + u.decidedBy()));
        }
    }

    private void rule(RuleStep r) {
        String key = r.rule().table() + "/" + r.rule().chain();
        int depth = enter(key);
        missesBefore(r.hook().name(), r.rule().table(), r.rule().chain(), r.rule().position(), depth);
        add(depth, style.cyan(Labels.rule(r.rule())) + "  " + r.rule().text() + "  -> " + verdict(r.verdict())
                + (r.effects().isEmpty() ? "" : "  [" + String.join("; ", r.effects()) + "]"));
        Verdict v = r.verdict();
        if (v.kind() == Verdict.Kind.JUMP) {
            stack.add(r.rule().table() + "/" + v.chain());
        } else if (v.kind() == Verdict.Kind.GOTO) {
            pop();
            stack.add(r.rule().table() + "/" + v.chain());
        } else if (v.kind() == Verdict.Kind.RETURN) {
            pop();
        } else if (v.kind() != Verdict.Kind.CONTINUE) {
            stack.clear();
        }
    }

    /** The depth of a chain: its place on the call stack, or a new walk from it when it is not on the stack. */
    private int enter(String key) {
        int at = stack.lastIndexOf(key);
        if (at < 0) {
            stack.clear();
            stack.add(key);
            return 1;
        }
        while (stack.size() > at + 1) {
            stack.remove(stack.size() - 1);
        }
        return at + 1;
    }

    private void pop() {
        if (!stack.isEmpty()) {
            stack.remove(stack.size() - 1);
        }
    }

    private String verdict(Verdict v) {
        String text = v.toString();
        return switch (v.kind()) {
            case DROP, POLICY_DROP -> style.red(text);
            case ACCEPT, POLICY_ACCEPT -> style.green(text);
            default -> text;
        };
    }

    private void missesBefore(String hook, String table, String chain, int position, int depth) {
        for (int i = 0; i < misses.size(); i++) {
            RuleMiss m = misses.get(i);
            if (!shown[i] && m.hook().name().equals(hook) && m.rule().table().equals(table)
                    && m.rule().chain().equals(chain) && m.rule().position() < position) {
                shown[i] = true;
                add(depth, missText(m));
            }
        }
    }

    private String missText(RuleMiss m) {
        return style.dim("no match " + Labels.rule(m.rule()) + "  " + m.rule().text() + "  (failed: " + m.failedMatch()
                + (m.packetValue().isEmpty() ? "" : "; packet has " + m.packetValue()) + ")");
    }

    private void leftoverMisses() {
        boolean header = false;
        for (int i = 0; i < misses.size(); i++) {
            if (!shown[i]) {
                if (!header) {
                    lines.add("other rules that did not match:");
                    header = true;
                }
                lines.add("  " + misses.get(i).hook() + " " + missText(misses.get(i)));
            }
        }
    }

    private void add(int depth, String text) {
        lines.add("  ".repeat(depth) + text);
    }
}
