package io.pktpath.cli.render;

import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RouteDecision;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Short texts shared by the text renderers: rule labels with their source line, routes, times, decisive steps. */
public final class Labels {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    private Labels() {
    }

    /** {@code filter FORWARD #3 (iptables-save.txt:17)}; IPv6 rules are prefixed {@code ip6}. */
    public static String rule(RuleRef r) {
        return (r.family() == 6 ? "ip6 " : "") + r.label() + " (" + r.span().file() + ":" + r.span().line() + ")";
    }

    /** {@code filter FORWARD policy DROP}. */
    public static String policy(PolicyStep p) {
        return p.table() + " " + p.chain() + " policy " + p.verdict().toString().substring("POLICY:".length());
    }

    /** The capture time of day, UTC, with microseconds as tcpdump prints it. */
    public static String time(long nanos) {
        return TIME.format(Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)));
    }

    /** The step that decided a frame's fate, as a label, or empty. */
    public static String decisive(PacketTrace t) {
        return t.decisiveStep().map(Labels::step).orElse("");
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

    /** {@code table main: 10.244.1.3 dev cali1 (ip rule 32766)}. */
    public static String route(RouteDecision r) {
        StringBuilder sb = new StringBuilder("table ").append(r.table()).append(": ");
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
        String iface = p.iface().isEmpty() ? "?" : p.iface();
        return p.dir().isEmpty() ? iface : iface + " " + p.dir();
    }
}
