package io.pktpath.cli.render;

import io.pktpath.core.analysis.TraceOutcome;
import io.pktpath.core.analysis.TraceRequest;
import io.pktpath.core.trace.ProtocolNames;
import io.pktpath.core.trace.Tuple;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** {@code pktpath trace} in text: the packet, then each outcome with its probability, disposition, NAT and path tree. */
public final class TraceText {
    private TraceText() {
    }

    public static void render(TraceRequest r, List<TraceOutcome> outcomes, List<String> notes, Style style,
                              PrintStream out) {
        Tuple t = new Tuple(r.proto(), r.src(), r.sport(), r.dst(), r.dport());
        out.println(style.bold("packet: " + ProtocolNames.name(r.proto()) + " " + t) + "  "
                + (r.locallyGenerated() ? "sent by the node" : "entering on " + r.inIface()));
        notes.forEach(n -> out.println("note: " + n));
        out.println(outcomes.size() + (outcomes.size() == 1 ? " outcome:" : " outcomes:"));
        int i = 0;
        for (TraceOutcome o : outcomes) {
            out.println();
            String prob = Double.isNaN(o.probability()) ? "probability unknown"
                    : String.format(Locale.ROOT, "p=%.6f", o.probability());
            out.println(style.bold("outcome " + (++i)) + " (" + prob + (o.choice().isEmpty() ? "" : ", " + o.choice())
                    + "): " + style.disposition(o.disposition()) + " - " + o.reason());
            o.nat().filter(n -> n.changed()).ifPresent(n -> out.println("  nat: " + n.before() + "  =>  " + n.after()
                    + (o.masquerade() ? " (masquerade/SNAT)" : "")));
            o.route().ifPresent(rt -> out.println("  route: " + Labels.route(rt)));
            PathTree.render(o.steps(), List.of(), style, 2).forEach(out::println);
            o.notes().forEach(n -> out.println("  note: " + n));
        }
    }
}
