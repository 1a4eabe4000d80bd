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
    private static final int TCP = 6;

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
            String protocol = ProtocolNames.name(f.original().protocol());
            // only TCP has states; another protocol's "state" is its name again (UDP, ICMPv6, proto 47)
            String state = f.original().protocol() == TCP ? " " + f.state() : "";
            out.println(style.bold("flow " + f.id()) + " " + protocol + state
                    + (f.assured() ? " [ASSURED]" : "") + "  " + outcome
                    + (f.zone() != 0 ? "  zone " + f.zone() : "") + (f.mark() != 0 ? "  mark 0x" + Long.toHexString(f.mark()) : "")
                    + (f.fromBundle() ? "  (from the bundle's conntrack -L)" : ""));
            out.println("  original: " + f.original() + "  " + count(f.packetsOriginal(), f.bytesOriginal()));
            out.println("  reply:    " + f.reply() + "  " + count(f.packetsReply(), f.bytesReply()));
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

    /** {@code 1 packet, 47 bytes}, {@code 5 packets, 275 bytes}. */
    private static String count(long packets, long bytes) {
        return packets + (packets == 1 ? " packet, " : " packets, ") + bytes + (bytes == 1 ? " byte" : " bytes");
    }
}
