package io.pktpath.gui.path;

import io.pktpath.core.trace.Alternative;
import io.pktpath.core.trace.AlternativeTexts;
import io.pktpath.core.trace.ChainReturnStep;
import io.pktpath.core.trace.ArpStep;
import io.pktpath.core.trace.CheckStep;
import io.pktpath.core.trace.ConntrackStep;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.HookStep;
import io.pktpath.core.trace.NatStep;
import io.pktpath.core.trace.NeighborStep;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RouteStep;
import io.pktpath.core.trace.RuleMiss;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.core.trace.UndecidedStep;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the step tree of a trace: hooks holding the chains walked there (table and chain), chains holding the rules
 * that matched with their source line, and between hooks the conntrack, NAT, routing, neighbor and check steps; with
 * {@code misses}, each chain also lists the rules that did not match with the first match that failed.
 */
public final class StepTree {
    private StepTree() {
    }

    /** The tree's root: the packet, with the path below it. */
    public static StepNode of(PacketTrace trace, boolean misses) {
        Optional<TraceStep> decisive = trace.decisiveStep();
        List<Builder> top = new ArrayList<>();
        Builder hook = null;
        Builder chain = null;
        for (TraceStep step : trace.path()) {
            if (step instanceof HookStep h) {
                hook = new Builder(h.hook().name() + "  [" + String.join(", ", h.tables()) + "]", StepNode.Kind.HOOK,
                        false, h.hook(), "", "");
                top.add(hook);
                chain = null;
                continue;
            }
            String[] tc = tableChain(step);
            if (tc != null && hook != null) {
                if (chain == null || !chain.table.equals(tc[0]) || !chain.chain.equals(tc[1])) {
                    chain = new Builder(tc[0] + " " + tc[1], StepNode.Kind.CHAIN, false, hook.hook, tc[0], tc[1]);
                    hook.children.add(chain);
                }
                chain.children.add(new Builder(text(step), kind(step), decisive.equals(Optional.of(step)), null,
                        "", "").position(position(step)));
                continue;
            }
            Builder leaf = new Builder(text(step), kind(step), false, null, "", "");
            if (step.hook() != null && hook != null && hook.hook == step.hook()) {
                hook.children.add(leaf);
            } else {
                top.add(leaf);
                hook = step.hook() == null ? null : hook;
                chain = null;
            }
        }
        if (misses) {
            addMisses(top, trace.misses());
        }
        String head = "frame " + trace.packet().frame() + " " + trace.packet().info() + " — "
                + trace.disposition().words();
        List<StepNode> children = new ArrayList<>(top.stream().map(Builder::build).toList());
        if (!trace.alternatives().isEmpty()) {
            children.add(alternatives(trace));
        }
        trace.notes().forEach(n -> children.add(StepNode.leaf("note: " + n, StepNode.Kind.NOTE)));
        trace.tunnel().ifPresent(k -> children.add(StepNode.leaf("tunnel: " + k.detail(), StepNode.Kind.NOTE)));
        return new StepNode(head, StepNode.Kind.PACKET, false, children);
    }

    /**
     * The outcomes the rules allowed where the replay met a choice, each with its probability, disposition and reason:
     * the one a frame of the capture showed is marked {@code *} and the frame named; else none was decided.
     */
    static StepNode alternatives(PacketTrace trace) {
        Alternative happened = trace.happened().orElse(null);
        List<StepNode> outcomes = new ArrayList<>();
        for (Alternative a : trace.alternatives()) {
            outcomes.add(StepNode.leaf((a == happened ? "* " : "") + a.choice() + " (" + AlternativeTexts.probability(a)
                    + "): " + a.disposition().words() + ", " + a.reason(), StepNode.Kind.UNDECIDED));
        }
        String head = AlternativeTexts.heading(trace);
        return new StepNode(head, StepNode.Kind.UNDECIDED, false, outcomes);
    }

    /** The text of a rule-like step: {@code #3 -A FORWARD ... → DROP  (iptables-save.txt:23)}. */
    static String text(TraceStep step) {
        if (step instanceof RuleStep r) {
            String effects = r.effects().isEmpty() ? "" : "  {" + String.join(", ", r.effects()) + "}";
            return rule(r.rule()) + "  → " + r.verdict() + effects;
        }
        if (step instanceof PolicyStep p) {
            return "policy " + p.verdict();
        }
        if (step instanceof ChainReturnStep c) {
            return "end of " + c.chain() + ": back to the calling chain";
        }
        if (step instanceof UndecidedStep u) {
            return "? " + rule(u.rule()) + "  undecided: " + u.reason()
                    + (u.decidedBy().isEmpty() ? "" : " (decided by " + u.decidedBy() + ")");
        }
        if (step instanceof ConntrackStep c) {
            return "conntrack: " + c.state() + (c.reply() ? " reply" : " original")
                    + (c.detail().isEmpty() ? "" : " — " + c.detail());
        }
        if (step instanceof NatStep n) {
            return n.kind() + ": " + n.before() + "  →  " + n.after()
                    + n.rule().map(r -> "  by " + r.label() + " (" + r.span() + ")").orElse("")
                    + (n.detail().isEmpty() ? "" : " — " + n.detail());
        }
        if (step instanceof RouteStep r) {
            return "routing (" + r.lookup() + "): " + PathDiagram.routeLine(r.decision());
        }
        if (step instanceof NeighborStep n) {
            return "neighbor " + n.address() + " dev " + n.dev() + ": " + n.state()
                    + (n.detail().isEmpty() ? "" : " — " + n.detail());
        }
        if (step instanceof ArpStep a) {
            return "arp " + a.rule().code() + " on " + a.dev() + (a.answered() ? ": answered" : ": not answered")
                    + (a.detail().isEmpty() ? "" : " — " + a.detail());
        }
        if (step instanceof CheckStep c) {
            return "check " + c.check() + (c.passed() ? " passed: " : " FAILED: ") + c.detail();
        }
        return step.toString();
    }

    private static String rule(RuleRef r) {
        return "#" + r.position() + " " + r.text() + "  (" + r.span() + ")";
    }

    private static StepNode.Kind kind(TraceStep step) {
        if (step instanceof RuleStep) {
            return StepNode.Kind.RULE;
        } else if (step instanceof PolicyStep) {
            return StepNode.Kind.POLICY;
        } else if (step instanceof ChainReturnStep) {
            return StepNode.Kind.RETURN;
        } else if (step instanceof UndecidedStep) {
            return StepNode.Kind.UNDECIDED;
        } else if (step instanceof ConntrackStep) {
            return StepNode.Kind.CONNTRACK;
        } else if (step instanceof NatStep) {
            return StepNode.Kind.NAT;
        } else if (step instanceof RouteStep) {
            return StepNode.Kind.ROUTE;
        } else if (step instanceof NeighborStep || step instanceof ArpStep) {
            return StepNode.Kind.NEIGHBOR;
        }
        return StepNode.Kind.CHECK;
    }

    private static String[] tableChain(TraceStep step) {
        if (step instanceof RuleStep r) {
            return new String[] {r.rule().table(), r.rule().chain()};
        } else if (step instanceof PolicyStep p) {
            return new String[] {p.table(), p.chain()};
        } else if (step instanceof ChainReturnStep c) {
            return new String[] {c.table(), c.chain()};
        } else if (step instanceof UndecidedStep u) {
            return new String[] {u.rule().table(), u.rule().chain()};
        }
        return null;
    }

    private static int position(TraceStep step) {
        if (step instanceof RuleStep r) {
            return r.rule().position();
        }
        if (step instanceof UndecidedStep u) {
            return u.rule().position();
        }
        return Integer.MAX_VALUE;
    }

    private static void addMisses(List<Builder> top, List<RuleMiss> misses) {
        for (RuleMiss m : misses) {
            Builder node = new Builder("✗ " + rule(m.rule()) + "  no match: " + m.failedMatch()
                    + (m.packetValue().isEmpty() ? "" : " (packet: " + m.packetValue() + ")"), StepNode.Kind.MISS,
                    false, null, "", "").position(m.rule().position());
            Builder chain = findChain(top, m.hook(), m.rule().table(), m.rule().chain());
            if (chain != null) {
                chain.insertByPosition(node);
            }
        }
    }

    private static Builder findChain(List<Builder> top, Hook hook, String table, String chain) {
        for (Builder b : top) {
            if (b.kind == StepNode.Kind.HOOK && b.hook == hook) {
                for (Builder c : b.children) {
                    if (c.kind == StepNode.Kind.CHAIN && c.table.equals(table) && c.chain.equals(chain)) {
                        return c;
                    }
                }
                Builder c = new Builder(table + " " + chain, StepNode.Kind.CHAIN, false, hook, table, chain);
                b.children.add(c);
                return c;
            }
        }
        return null;
    }

    /** A mutable node while the tree is assembled. */
    private static final class Builder {
        final String text;
        final StepNode.Kind kind;
        final boolean decisive;
        final Hook hook;
        final String table;
        final String chain;
        final List<Builder> children = new ArrayList<>();
        int position = Integer.MAX_VALUE;

        Builder(String text, StepNode.Kind kind, boolean decisive, Hook hook, String table, String chain) {
            this.text = text;
            this.kind = kind;
            this.decisive = decisive;
            this.hook = hook;
            this.table = table;
            this.chain = chain;
        }

        Builder position(int p) {
            this.position = p;
            return this;
        }

        /** Puts a miss before the first rule with a higher position, keeping the walk's order otherwise. */
        void insertByPosition(Builder miss) {
            int at = children.size();
            for (int i = 0; i < children.size(); i++) {
                if (children.get(i).position > miss.position) {
                    at = i;
                    break;
                }
            }
            children.add(at, miss);
        }

        StepNode build() {
            return new StepNode(text, kind, decisive, children.stream().map(Builder::build).toList());
        }
    }
}
