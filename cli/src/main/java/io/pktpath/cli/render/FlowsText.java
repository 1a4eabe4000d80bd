package io.pktpath.cli.render;

import io.pktpath.core.conntrack.FlowRecord;
import io.pktpath.core.conntrack.NatRecord;
import io.pktpath.core.trace.ProtocolNames;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * {@code pktpath flows} in text: each connection as conntrack holds it, original and reply tuples, NAT, state, counters;
 * an overlay tunnel's carrier flow says what it carried, and its "unreplied" (the kernel's own) is not shown as a failure;
 * a flow the tunnel carried names its carrier flows.
 */
public final class FlowsText {
    private FlowsText() {
    }

    public static void render(List<FlowRecord> flows, Style style, PrintStream out) {
        out.println(flows.size() + (flows.size() == 1 ? " flow" : " flows"));
        for (FlowRecord f : flows) {
            out.println();
            String outcome = f.unrepliedCarrier() ? style.yellow(f.outcome()) + " (" + f.tunnel().get().explanation() + ")"
                    : switch (f.outcome()) {
                case "reset", "unreplied" -> style.red(f.outcome());
                case "replied", "closed" -> style.green(f.outcome());
                default -> style.yellow(f.outcome());
            };
            out.println(style.bold("flow " + f.id()) + " " + ProtocolNames.name(f.original().protocol()) + " " + f.state()
                    + (f.assured() ? " [ASSURED]" : "") + "  " + outcome
                    + (f.zone() != 0 ? "  zone " + f.zone() : "") + (f.mark() != 0 ? "  mark 0x" + Long.toHexString(f.mark()) : "")
                    + (f.fromBundle() ? "  (from the bundle's conntrack -L)" : ""));
            out.println("  original: " + f.original() + "  " + f.packetsOriginal() + " packets, " + f.bytesOriginal()
                    + " bytes");
            out.println("  reply:    " + f.reply() + "  " + f.packetsReply() + " packets, " + f.bytesReply() + " bytes");
            for (NatRecord n : f.nat()) {
                out.println("  nat: " + n.kind() + n.rule().map(r -> " by " + Labels.rule(r)).orElse("")
                        + (n.detail().isEmpty() ? "" : " (" + n.detail() + ")"));
            }
            out.println("  time: " + Labels.time(f.firstNanos()) + " - " + Labels.time(f.lastNanos()) + " ("
                    + String.format(Locale.ROOT, "%.6f", f.durationNanos() / 1e9) + " s)");
            if (f.tunnel().isPresent() && !f.unrepliedCarrier()) {
                out.println("  tunnel: " + f.tunnel().get().carried());
            }
            f.carriedBy().ifPresent(c -> out.println("  tunnel: " + c.carried()));
            if (!f.frames().isEmpty()) {
                out.println("  frames: " + SummaryText.frames(f.frames(), f.frames().size()));
            }
        }
    }
}
