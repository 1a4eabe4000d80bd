package io.pktpath.cli.render;

import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.NatChange;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.Tuple;
import java.util.Optional;

/**
 * One frame as one line, in the spirit of tcpdump: number, time, interface and direction, the packet, then its
 * disposition and the rule (or policy) that decided it, the NAT it underwent, or the frame it is a copy of.
 */
public final class FrameLine {
    private FrameLine() {
    }

    public static String render(PacketTrace t, Style style) {
        PacketSummary p = t.packet();
        StringBuilder sb = new StringBuilder(160);
        head(sb, p.frame(), p.timeNanos(), Labels.where(p), p.info());
        sb.append("  ").append(style.disposition(t.disposition()));
        if (t.role() == FrameRole.EGRESS_COPY && !t.correlated().isEmpty()) {
            sb.append(" (copy of frame ").append(t.correlated().get(0)).append(')');
        }
        String decisive = Labels.decisive(t);
        if (!decisive.isEmpty()) {
            sb.append(" by ").append(style.cyan(decisive));
        } else if (t.disposition().isFailure() && t.route().isPresent()) {
            String route = Labels.route(t.route().get());
            sb.append(route.startsWith("no route") ? ": " : " by route ").append(style.cyan(route));
        }
        if (t.nat().isPresent() && t.nat().get().changed()) {
            appendNat(sb.append(" ["), t.nat().get()).append(']');
        }
        return sb.toString();
    }

    /** The line's start, as {@code String.format("%5d %s %-10s %s", frame, time, where, info)} would write it. */
    static StringBuilder head(StringBuilder sb, long frame, long timeNanos, String where, String info) {
        String number = Long.toString(frame);
        for (int i = number.length(); i < 5; i++) {
            sb.append(' ');
        }
        sb.append(number).append(' ');
        Labels.appendTime(sb, timeNanos).append(' ').append(where);
        for (int i = where.length(); i < 10; i++) {
            sb.append(' ');
        }
        return sb.append(' ').append(info);
    }

    /** {@code dnat 10.96.0.10:80 -> 10.244.1.3:8080}, {@code snat ...}, or both, for a NAT that changed something. */
    public static Optional<String> nat(Optional<NatChange> nat) {
        if (nat.isEmpty() || !nat.get().changed()) {
            return Optional.empty();
        }
        return Optional.of(appendNat(new StringBuilder(), nat.get()).toString());
    }

    /** Appends what {@link #nat} returns for a NAT that changed something. */
    private static StringBuilder appendNat(StringBuilder sb, NatChange nat) {
        Tuple b = nat.before();
        Tuple a = nat.after();
        boolean dnat = !b.dst().equals(a.dst()) || b.dport() != a.dport();
        if (dnat) {
            a.appendDestination(b.appendDestination(sb.append("dnat ")).append(" -> "));
        }
        if (!b.src().equals(a.src()) || b.sport() != a.sport()) {
            sb.append(dnat ? ", " : "").append(nat.masquerade() ? "masquerade " : "snat ");
            a.appendSource(b.appendSource(sb).append(" -> "));
        }
        return sb;
    }


}
