package io.pktpath.cli.render;

import io.pktpath.core.trace.ArpRule;
import io.pktpath.core.trace.ArpStep;
import io.pktpath.core.trace.CheckStep;
import io.pktpath.core.trace.NeighborStep;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RouteDecision;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.core.trace.Verdict;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/** Short texts shared by the text renderers: rule labels with their source line, routes, times, decisive steps. */
public final class Labels {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    private Labels() {
    }

    /** {@code filter FORWARD #3 (iptables-save.txt:17)}; IPv6 rules are prefixed {@code ip6}. */
    public static String rule(RuleRef r) {
        return r.labelWithSource();
    }

    /** {@code filter FORWARD policy DROP}. */
    public static String policy(PolicyStep p) {
        return p.table() + " " + p.chain() + " policy " + p.verdict().toString().substring("POLICY:".length());
    }

    /** The capture time of day, UTC, with microseconds as tcpdump prints it. */
    public static String time(long nanos) {
        return appendTime(new StringBuilder(15), nanos).toString();
    }

    /**
     * Appends {@code HH:mm:ss.SSSSSS} (UTC, microseconds truncated) of a capture time, digit by digit: the same text
     * as {@link #TIME} gives, without a formatter per frame.
     */
    public static StringBuilder appendTime(StringBuilder sb, long nanos) {
        long secondOfDay = Math.floorMod(Math.floorDiv(nanos, 1_000_000_000L), 86_400L);
        long micros = Math.floorMod(nanos, 1_000_000_000L) / 1_000;
        twoDigits(sb, secondOfDay / 3600).append(':');
        twoDigits(sb, secondOfDay / 60 % 60).append(':');
        twoDigits(sb, secondOfDay % 60).append('.');
        for (long unit = 100_000; unit > 0; unit /= 10) {
            sb.append((char) ('0' + micros / unit % 10));
        }
        return sb;
    }

    private static StringBuilder twoDigits(StringBuilder sb, long value) {
        return sb.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    /** The formatter {@link #time} matches (kept as the reference for tests). */
    static String timeByFormatter(long nanos) {
        return TIME.format(Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)));
    }

    /**
     * The step that decided a frame's fate, as a label, or empty: for a failure the rule or policy that ended it; for
     * a packet that got through, the filter-table rule or policy that accepted it, else the NAT rule that rewrote it.
     */
    public static String decisive(PacketTrace t) {
        List<TraceStep> path = t.path();
        if (!path.isEmpty() && path.get(path.size() - 1) instanceof ArpStep a) {
            return arp(a, t);
        }
        if (t.disposition().isFailure()) {
            return failure(t);
        }
        return accepting(t).map(Labels::step).orElse("");
    }

    /** An ARP frame's label: the rule of arp_process that decided, the answer, and the frame it is tied to. */
    private static String arp(ArpStep a, PacketTrace t) {
        boolean reply = a.rule() == ArpRule.REPLY_RECEIVED || a.rule() == ArpRule.REPLY_SENT;
        return "arp " + a.rule().code() + (reply ? "" : a.answered() ? ": answered" : ": not answered")
                + (t.correlated().isEmpty() ? "" : " (frame " + t.correlated().get(0) + ")");
    }

    /**
     * For a packet that got through, the step {@link #decisive} labels: the last filter-table rule or policy that
     * accepted it, else the last NAT rule that accepted (rewrote) it.
     */
    static Optional<TraceStep> accepting(PacketTrace t) {
        // only rule and policy steps (the kernel's steps) can be accepting ones: the path is searched as it is
        List<TraceStep> steps = t.path();
        for (int i = steps.size() - 1; i >= 0; i--) {
            if (accepts(steps.get(i), "filter")) {
                return Optional.of(steps.get(i));
            }
        }
        for (int i = steps.size() - 1; i >= 0; i--) {
            if (steps.get(i) instanceof RuleStep r && accepts(r, "nat")) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** The rule or policy that dropped the packet, else the kernel check or neighbor that failed; empty for a route. */
    private static String failure(PacketTrace t) {
        Optional<TraceStep> d = t.decisiveStep().filter(s -> s instanceof RuleStep r && r.verdict().kind() == Verdict.Kind.DROP
                || s instanceof PolicyStep p && p.verdict().kind() == Verdict.Kind.POLICY_DROP);
        if (d.isPresent()) {
            return step(d.get());
        }
        for (int i = t.path().size() - 1; i >= 0; i--) {
            TraceStep s = t.path().get(i);
            if (s instanceof CheckStep c && !c.passed()) {
                return "check " + c.check();
            }
            if (s instanceof NeighborStep n && !n.deliverable()) {
                return "neighbor " + n.address() + " dev " + n.dev() + " " + n.state();
            }
        }
        return "";
    }

    private static boolean accepts(TraceStep s, String table) {
        if (s instanceof RuleStep r) {
            return r.rule().table().equals(table) && r.verdict().kind() == Verdict.Kind.ACCEPT;
        }
        return s instanceof PolicyStep p && p.table().equals(table) && p.verdict().kind() == Verdict.Kind.POLICY_ACCEPT;
    }

    /** A rule or policy step as a label. */
    public static String step(TraceStep s) {
        if (s instanceof RuleStep r) {
            return rule(r.rule());
        }
        if (s instanceof PolicyStep p) {
            return policy(p);
        }
        return s.getClass().getSimpleName();
    }

    /**
     * {@code table main: 10.244.1.3 dev cali1 (ip rule 32766)}; a decision no routing table made (a bridge's flood, a
     * multicast delivered on its input device) without the table.
     */
    public static String route(RouteDecision r) {
        if (r.table().isEmpty() && r.prefix().isEmpty() && r.routeText().isEmpty()) {
            return "no route in any table the ip rules select";
        }
        StringBuilder sb = new StringBuilder(r.table().isEmpty() ? "" : "table " + r.table() + ": ");
        sb.append(r.routeText().isEmpty() ? routeWords(r) : r.routeText().strip());
        if (r.rulePriority() >= 0) {
            sb.append(" (ip rule ").append(r.rulePriority()).append(')');
        }
        return sb.toString();
    }

    private static String routeWords(RouteDecision r) {
        StringBuilder sb = new StringBuilder();
        if (!r.type().isEmpty() && !r.type().equals("unicast")) {
            sb.append(r.type()).append(' ');
        }
        sb.append(r.prefix().isEmpty() ? "(none)" : r.prefix());
        if (!r.via().isEmpty()) {
            sb.append(" via ").append(r.via());
        }
        if (!r.dev().isEmpty()) {
            sb.append(" dev ").append(r.dev());
        }
        if (!r.src().isEmpty()) {
            sb.append(" src ").append(r.src());
        }
        return sb.toString();
    }

    /** {@code eth0 in} / {@code eth0} / {@code ?}: where the frame was captured. */
    public static String where(PacketSummary p) {
        return appendWhere(new StringBuilder(24), p.iface(), p.dir()).toString();
    }

    /** Appends {@link #where}'s text for an interface and a direction (either may be empty). */
    static StringBuilder appendWhere(StringBuilder sb, String iface, String dir) {
        sb.append(iface.isEmpty() ? "?" : iface);
        return dir.isEmpty() ? sb : sb.append(' ').append(dir);
    }
}
