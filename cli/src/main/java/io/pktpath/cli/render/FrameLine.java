package io.pktpath.cli.render;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.NatChange;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.Tuple;
import java.util.Optional;

/**
 * One frame as one line, in the spirit of tcpdump: number, time, interface and direction, the packet, then its
 * disposition and the rule (or policy) that decided it, the NAT it underwent, or the frame it is a copy of, and the
 * tunnel frame that carries it (or the frame it carries).
 */
public final class FrameLine {
    private FrameLine() {
    }

    public static String render(PacketTrace t, Style style) {
        return append(new StringBuilder(160), t, style, Labels.decisive(t)).toString();
    }

    /** Appends the line {@link #render} returns, given {@code decisive}, the label {@link Labels#decisive} gives. */
    static StringBuilder append(StringBuilder sb, PacketTrace t, Style style, String decisive) {
        PacketSummary p = t.packet();
        p.appendInfo(head(sb, p.frame(), p.timeNanos(), p.iface(), p.dir(), ""));
        sb.append("  ").append(style.disposition(t.disposition()));
        if (t.role() == FrameRole.EGRESS_COPY && !t.correlated().isEmpty()) {
            sb.append(" (copy of frame ").append(t.correlated().get(0)).append(')');
        } else if (t.disposition() == Disposition.HELD_FOR_REASSEMBLY && !t.correlated().isEmpty()) {
            sb.append(" (datagram completed at frame ").append(t.correlated().get(0)).append(')');
        } else if (t.reassembled().isPresent() && t.role() != FrameRole.EGRESS_COPY) {
            sb.append(" (reassembled: ").append(t.datagram().length()).append(" bytes)");
        }
        if (!decisive.isEmpty()) {
            sb.append(" by ").append(style.cyan(decisive));
        } else if (t.disposition().isFailure() && t.route().isPresent()) {
            String route = Labels.route(t.route().get());
            sb.append(route.startsWith("no route") ? ": " : " by route ").append(style.cyan(route));
        }
        if (t.nat().isPresent() && t.nat().get().changed()) {
            appendNat(sb.append(" ["), t.nat().get()).append(']');
        }
        if (t.tunnel().isPresent()) {
            sb.append(" [").append(t.tunnel().get().label()).append(']');
        }
        return sb;
    }

    /**
     * The line's start, as {@code String.format("%5d %s %-10s %s", frame, time, where, info)} would write it with
     * {@link Labels#where}'s text for {@code iface} and {@code dir}, appended without making that text.
     */
    static StringBuilder head(StringBuilder sb, long frame, long timeNanos, String iface, String dir, String info) {
        appendNumber(sb, frame);
        Labels.appendTime(sb, timeNanos).append(' ');
        int start = sb.length();
        Labels.appendWhere(sb, iface, dir);
        for (int i = sb.length() - start; i < 10; i++) {
            sb.append(' ');
        }
        return sb.append(' ').append(info);
    }

    /** The frame number right-aligned in five columns (wider when it needs more), then a space. */
    private static void appendNumber(StringBuilder sb, long frame) {
        if (frame < 0) {
            String number = Long.toString(frame);
            for (int i = number.length(); i < 5; i++) {
                sb.append(' ');
            }
            sb.append(number).append(' ');
            return;
        }
        for (long bound = 10_000; bound > 1 && frame < bound; bound /= 10) {
            sb.append(' ');
        }
        sb.append(frame).append(' ');
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
