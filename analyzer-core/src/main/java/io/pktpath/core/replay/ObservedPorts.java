package io.pktpath.core.replay;

import io.pktpath.core.conntrack.NatBinding;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.NatChange;
import io.pktpath.core.trace.NatKind;
import io.pktpath.core.trace.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A run rewritten with the source port the kernel chose for its SNAT or MASQUERADE, once the capture shows it. */
final class ObservedPorts {
    private ObservedPorts() {
    }

    /**
     * {@code run} once the capture shows the source port the kernel chose for its SNAT or MASQUERADE ({@code leftAs},
     * seen in {@code seenIn}): the connection's candidate, the NAT steps, the NAT change, the egress and the notes carry
     * that port instead of the one the replay put in its place.
     */
    static PathRun apply(PathRun run, Tuple leftAs, String seenIn) {
        Commit c = (Commit) run.commitToken();
        Optional<io.pktpath.core.conntrack.CtCandidate> candidate = c.candidate().map(k -> k.srcBinding().isEmpty() ? k
                : new io.pktpath.core.conntrack.CtCandidate(k.id(), k.zone(), k.original(), leftAs.inverse(),
                k.icmpRequestType(), k.tcpState(), k.pickup(), k.mark(), k.dstBinding(),
                k.srcBinding().map(b -> new NatBinding(b.manip(), b.kind(), b.rule(), b.replyBefore(), leftAs.inverse(),
                        beforeShownAs(b.detail()) + "port " + leftAs.sport() + ", as " + seenIn + " shows", b.nullBinding(),
                        false, b.drops(),
                        b.collision())), k.replaces()));
        List<io.pktpath.core.trace.TraceStep> steps = new ArrayList<>(run.steps().size());
        for (io.pktpath.core.trace.TraceStep step : run.steps()) {
            if (step instanceof io.pktpath.core.trace.NatStep n && n.hook() == Hook.POSTROUTING
                    && (n.kind() == NatKind.MASQUERADE || n.kind() == NatKind.SNAT)) {
                steps.add(new io.pktpath.core.trace.NatStep(n.hook(), n.kind(), n.before(), leftAs, n.rule(),
                        n.detail() + "; the kernel chose source port " + leftAs.sport() + ", as " + seenIn + " shows"));
            } else {
                steps.add(step);
            }
        }
        Optional<NatChange> nat = run.nat().map(n -> new NatChange(n.before(), leftAs, n.masquerade()));
        Commit adjusted = new Commit(c.tables(), c.lookup(), candidate, c.confirm(), c.ct(), c.packet(),
                c.countedBytes(), c.redirect(), c.form());
        String reason = run.egress().map(e -> run.reason().replace(e.tuple().toString(), leftAs.toString()))
                .orElse(run.reason());
        return new PathRun(steps, run.disposition(), reason, nat, run.route(),
                run.egress().map(e -> new Egress(e.dev(), leftAs)), run.misses(), observedNotes(run.notes(), seenIn),
                run.flowId(), adjusted, run.mark()).withRedirect(run.redirect());
    }

    /**
     * A run's notes once the port the kernel chose is known: a binding's "shown as" the port the replay put in its place
     * becomes where the port was taken from (the same words for every packet, so the summary gathers them).
     */
    private static List<String> observedNotes(List<String> notes, String seenIn) {
        List<String> out = null;
        for (int i = 0; i < notes.size(); i++) {
            String note = notes.get(i);
            if (note.contains(NatBinding.SHOWN_AS)) {
                if (out == null) {
                    out = new ArrayList<>(notes);
                }
                out.set(i, beforeShownAs(note) + "the port " + seenIn + " shows");
            }
        }
        return out == null ? notes : out;
    }

    /** A random port's detail up to where it says which port the replay put in the kernel's place ("...; "). */
    private static String beforeShownAs(String detail) {
        int shown = detail.lastIndexOf(NatBinding.SHOWN_AS);
        return shown >= 0 ? detail.substring(0, shown) : detail + "; ";
    }
}
