package io.pktpath.gui.path;

import io.pktpath.core.trace.ArpStep;
import io.pktpath.core.trace.CheckStep;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.HookStep;
import io.pktpath.core.trace.NatStep;
import io.pktpath.core.trace.NeighborStep;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RouteDecision;
import io.pktpath.core.trace.RouteStep;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.core.trace.Tuple;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.Disposition;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The drawing of one packet's path as data: every stage of the pipeline with what happened there, the stages in the
 * order the packet went through them (the highlighted edges), the stage it failed at and a headline; the canvas only
 * paints it, so this is what tests check.
 */
public record PathDiagram(List<StageView> stages, List<Stage> route, Optional<Stage> failedAt, String headline) {
    public PathDiagram {
        stages = List.copyOf(stages);
        route = List.copyOf(route);
        Objects.requireNonNull(failedAt, "failedAt");
        Objects.requireNonNull(headline, "headline");
    }

    /** The empty pipeline shown before a frame is selected, with the tables the node has at each hook. */
    public static PathDiagram empty(Map<Hook, List<String>> nodeTables) {
        List<StageView> views = new ArrayList<>();
        for (Stage s : Stage.values()) {
            views.add(new StageView(s, false, false, tablesOf(s, nodeTables), List.of()));
        }
        return new PathDiagram(views, List.of(), Optional.empty(), "select a frame to see its path");
    }

    /** The diagram of {@code trace}; {@code nodeTables} fills in the tables of the hooks the packet did not meet. */
    public static PathDiagram of(PacketTrace trace, Map<Hook, List<String>> nodeTables) {
        Map<Stage, List<String>> lines = new EnumMap<>(Stage.class);
        Map<Stage, List<String>> tables = new EnumMap<>(Stage.class);
        LinkedHashSet<Stage> route = new LinkedHashSet<>();
        if (trace.role() == FrameRole.LOCAL_OUT) {
            route.add(Stage.LOCAL);
        }
        Stage current = null;
        for (TraceStep step : trace.path()) {
            Stage at = stageOf(step, current);
            if (at == null) {
                continue;
            }
            current = at;
            route.add(at);
            if (step instanceof HookStep h) {
                tables.put(at, h.tables());
            }
            describe(step).ifPresent(line -> lines.computeIfAbsent(at, k -> new ArrayList<>()).add(line));
        }
        if (trace.disposition() == Disposition.DELIVERED_LOCALLY) {
            route.add(Stage.LOCAL);
        }
        Optional<Stage> failedAt = trace.disposition().isFailure() ? failedStage(trace, current) : Optional.empty();
        failedAt.ifPresent(s -> {
            route.add(s);
            lines.computeIfAbsent(s, k -> new ArrayList<>()).add(dropLine(trace));
        });
        List<StageView> views = new ArrayList<>();
        for (Stage s : Stage.values()) {
            List<String> t = tables.containsKey(s) ? tables.get(s) : tablesOf(s, nodeTables);
            views.add(new StageView(s, route.contains(s), failedAt.equals(Optional.of(s)), t,
                    lines.getOrDefault(s, List.of())));
        }
        String headline = "frame " + trace.packet().frame() + ": " + trace.disposition().words()
                + (trace.reason().isEmpty() ? "" : " — " + trace.reason());
        return new PathDiagram(views, new ArrayList<>(route), failedAt, headline);
    }

    /** The view of one stage. */
    public StageView stage(Stage stage) {
        return stages.get(stage.ordinal());
    }

    private static Stage stageOf(TraceStep step, Stage current) {
        if (step instanceof RouteStep r) {
            return r.lookup().equals("input") ? Stage.ROUTING_IN : Stage.ROUTING_OUT;
        }
        if (step.hook() != null) {
            return Stage.of(step.hook());
        }
        return current;
    }

    private static Optional<String> describe(TraceStep step) {
        if (step instanceof NatStep n) {
            return Optional.of(natLine(n.kind().name(), n.before(), n.after()));
        }
        if (step instanceof RouteStep r) {
            return Optional.of(routeLine(r.decision()));
        }
        if (step instanceof NeighborStep n) {
            return Optional.of("neighbor " + n.address() + " on " + n.dev() + ": " + n.state()
                    + (n.deliverable() ? "" : " (undeliverable)"));
        }
        if (step instanceof ArpStep a) {
            return Optional.of("arp " + a.rule().code() + " on " + a.dev() + (a.answered() ? ": answered" : ": not answered"));
        }
        if (step instanceof CheckStep c && !c.passed()) {
            return Optional.of("check " + c.check() + " failed: " + c.detail());
        }
        return Optional.empty();
    }

    /** {@code DNAT dst 10.96.0.10:80 → 10.244.1.3:8080}: only the endpoints that changed, before → after. */
    static String natLine(String kind, Tuple before, Tuple after) {
        String[] b = before.toString().split(" -> ", 2);
        String[] a = after.toString().split(" -> ", 2);
        StringBuilder sb = new StringBuilder(kind);
        if (!b[0].equals(a[0])) {
            sb.append(" src ").append(b[0]).append(" → ").append(a[0]);
        }
        if (!b[1].equals(a[1])) {
            sb.append(" dst ").append(b[1]).append(" → ").append(a[1]);
        }
        return b[0].equals(a[0]) && b[1].equals(a[1]) ? sb.append(" (unchanged) ").append(before).toString()
                : sb.toString();
    }

    static String routeLine(RouteDecision d) {
        StringBuilder sb = new StringBuilder("route ");
        sb.append(d.routeText().isEmpty() ? d.type() + " " + d.prefix() : d.routeText());
        sb.append(" (table ").append(d.table());
        if (d.rulePriority() >= 0) {
            sb.append(", ip rule ").append(d.rulePriority());
        }
        return sb.append(')').toString();
    }

    private static Optional<Stage> failedStage(PacketTrace trace, Stage last) {
        Optional<TraceStep> decisive = trace.decisiveStep();
        if (decisive.isPresent() && decisive.get().hook() != null) {
            return Optional.of(Stage.of(decisive.get().hook()));
        }
        Stage current = null;
        Stage failed = null;
        for (TraceStep step : trace.path()) {
            current = stageOf(step, current);
            boolean bad = step instanceof CheckStep c && !c.passed()
                    || step instanceof NeighborStep n && !n.deliverable();
            if (bad && failed == null) {
                failed = current;
            }
        }
        return Optional.ofNullable(failed != null ? failed : last);
    }

    /** The dropping rule or policy named, else the trace's reason. */
    static String dropLine(PacketTrace trace) {
        Optional<TraceStep> decisive = trace.decisiveStep();
        if (decisive.isPresent() && decisive.get() instanceof RuleStep r) {
            return "✖ " + trace.disposition().words() + " by " + r.rule().label() + " (" + r.rule().span() + ")";
        }
        if (decisive.isPresent() && decisive.get() instanceof PolicyStep p) {
            return "✖ " + trace.disposition().words() + " by " + p.table() + " " + p.chain() + " policy "
                    + p.verdict();
        }
        return "✖ " + trace.disposition().words() + ": " + trace.reason();
    }

    private static List<String> tablesOf(Stage s, Map<Hook, List<String>> nodeTables) {
        return switch (s) {
            case PREROUTING -> nodeTables.getOrDefault(Hook.PREROUTING, List.of());
            case INPUT -> nodeTables.getOrDefault(Hook.INPUT, List.of());
            case FORWARD -> nodeTables.getOrDefault(Hook.FORWARD, List.of());
            case OUTPUT -> nodeTables.getOrDefault(Hook.OUTPUT, List.of());
            case POSTROUTING -> nodeTables.getOrDefault(Hook.POSTROUTING, List.of());
            default -> List.of();
        };
    }
}
