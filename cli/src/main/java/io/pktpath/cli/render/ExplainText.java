package io.pktpath.cli.render;

import io.pktpath.core.trace.Alternative;
import io.pktpath.core.trace.AlternativeTexts;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code pktpath explain} in text: the frame, its whole path as a tree, the disposition, NAT, route, the ICMP redirect it
 * caused (with the redirect's own path) and alternatives.
 */
public final class ExplainText {
    private ExplainText() {
    }

    public static void render(PacketTrace t, Style style, PrintStream out) {
        PacketSummary p = t.packet();
        out.println(style.bold("frame " + p.frame()) + "  " + Labels.time(p.timeNanos()) + "  " + Labels.where(p) + "  "
                + p.info());
        out.println("replayed as: " + t.role() + (t.correlated().isEmpty() ? ""
                : (p.family() == 0 ? "  (tied to frame" : "  (same packet in frame") + (t.correlated().size() == 1 ? " " : "s ")
                + join(t.correlated()) + ")"));
        out.println("path:");
        PathTree.render(t.path(), t.misses(), style, 2).forEach(out::println);
        if (t.path().isEmpty()) {
            out.println("  (no steps: " + (t.role() == FrameRole.EGRESS_COPY
                    ? "this frame is the egress copy of a packet replayed from another frame"
                    : t.role() == FrameRole.FRAGMENT ? "a fragment is never replayed alone: its datagram is, whole"
                    : "the frame was not replayed") + ")");
        }
        t.reassembled().ifPresent(r -> out.println("reassembled: the " + r.datagram().length() + "-byte datagram the hooks"
                + " saw, " + (t.role() == FrameRole.EGRESS_COPY ? "leaving as" : "made of") + " frames "
                + join(r.fragments())));
        boolean tunnelSent = t.disposition() == Disposition.SENT && t.tunnel().filter(k -> k.carrier()).isPresent();
        out.println("disposition: " + style.disposition(t.disposition()) + " ("
                + (tunnelSent ? "sent by the node's tunnel driver" : t.disposition().words()) + ")");
        out.println("reason: " + t.reason());
        String decisive = Labels.decisive(t);
        if (!decisive.isEmpty()) {
            out.println("decided by: " + style.cyan(decisive));
        }
        t.nat().filter(n -> n.changed()).ifPresent(n -> out.println("nat: " + n.before() + "  =>  " + n.after()
                + (n.masquerade() ? " (masquerade/SNAT)" : "")));
        t.route().ifPresent(r -> out.println("route: " + Labels.route(r)));
        t.tunnel().ifPresent(k -> out.println("tunnel: " + k.detail()));
        t.redirect().ifPresent(r -> {
            out.println("icmp redirect: " + r.source() + " > " + r.destination() + " (gateway " + r.gateway() + ", "
                    + r.length() + " bytes, out " + r.outIface() + "): " + r.outcome());
            PathTree.render(r.path(), List.of(), style, 2).forEach(out::println);
        });
        alternatives(t, style, out);
        if (!t.notes().isEmpty()) {
            out.println("notes:");
            t.notes().forEach(n -> out.println("  - " + n));
        }
    }

    /**
     * The branches the rules allowed. When a frame of the capture showed which one happened (its egress copy, or the
     * frame itself as it left), the header names that frame and the branch that happened is marked {@code *}; otherwise
     * the capture did not decide and the first branch in rule order was followed.
     */
    private static void alternatives(PacketTrace t, Style style, PrintStream out) {
        List<Alternative> alternatives = t.alternatives();
        if (alternatives.isEmpty()) {
            return;
        }
        Alternative happened = t.happened().orElse(null);
        out.println(AlternativeTexts.heading(t) + ":");
        for (Alternative a : alternatives) {
            out.println((a == happened ? "  * " : "  - ") + a.choice() + " (" + AlternativeTexts.probability(a) + "): "
                    + style.disposition(a.disposition()) + ", " + a.reason()
                    + FrameLine.nat(a.nat()).map(n -> " [" + n + "]").orElse(""));
        }
    }

    static String join(List<Long> frames) {
        return String.join(", ", frames.stream().map(String::valueOf).toList());
    }
}
