package io.pktpath.cli.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pktpath.core.conntrack.KernelEventComparison;
import io.pktpath.core.conntrack.KernelEventDifference;
import io.pktpath.core.verify.Difference;
import io.pktpath.core.verify.HitDifference;
import io.pktpath.core.verify.StepRow;
import io.pktpath.core.verify.UntiedPacket;
import io.pktpath.core.verify.VerifyReport;
import java.util.List;

/**
 * {@code pktpath verify --format json}: the same comparisons as the text report (packets against the kernel's TRACE,
 * rule counters against {@code iptables-save -c}, connections against {@code conntrack -E}) as one JSON object, in the
 * text's order, so that a script or CI job can read the counts and every difference.
 */
public final class VerifyJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private VerifyJson() {
    }

    public static ObjectNode of(VerifyReport r) {
        ObjectNode o = F.objectNode();
        o.put("bundle", r.bundle());
        o.put("agrees", r.agrees());
        ObjectNode trace = o.putObject("packets");
        trace.put("complete", r.coverage().complete());
        trace.put("coverageNote", r.coverage().note());
        trace.put("kernel", r.kernelPackets());
        trace.put("compared", r.compared());
        trace.put("equal", r.equal());
        ArrayNode diffs = trace.putArray("differences");
        for (Difference d : r.differences()) {
            ObjectNode n = diffs.addObject();
            n.put("frame", d.frame());
            n.put("traceId", d.traceId());
            n.put("kernelLine", d.kernelLine());
            n.put("aspect", d.aspect());
            n.put("kernel", d.kernel());
            n.put("pktpath", d.pktpath());
            ArrayNode rows = n.putArray("steps");
            for (StepRow s : d.rows()) {
                rows.addObject().put("kernel", s.kernel()).put("pktpath", s.pktpath());
            }
        }
        ArrayNode untied = trace.putArray("untied");
        for (UntiedPacket u : r.untied()) {
            untied.addObject().put("traceId", u.traceId()).put("kernelLine", u.kernelLine()).put("header", u.header())
                    .put("reason", u.reason());
        }
        longs(trace.putArray("untracedFrames"), r.untracedFrames());
        ObjectNode counters = o.putObject("counters");
        counters.put("compared", r.hitsCompared());
        counters.put("equal", r.hitsEqual());
        ArrayNode hits = counters.putArray("differences");
        for (HitDifference h : r.hitDifferences()) {
            ObjectNode n = hits.addObject();
            n.put("family", h.family());
            n.put("table", h.table());
            n.put("chain", h.chain());
            n.put("rule", h.position());
            n.put("text", h.ruleText());
            n.putObject("kernel").put("packets", h.kernelPackets()).put("bytes", h.kernelBytes());
            n.putObject("pktpath").put("packets", h.pktpathPackets()).put("bytes", h.pktpathBytes());
        }
        if (r.events().isPresent()) {
            KernelEventComparison c = r.events().get();
            ObjectNode events = o.putObject("conntrackEvents");
            events.put("events", c.events());
            events.put("compared", c.compared());
            events.put("equal", c.equal());
            ArrayNode eventDiffs = events.putArray("differences");
            for (KernelEventDifference d : c.differences()) {
                ObjectNode n = eventDiffs.addObject();
                n.put("location", d.location());
                n.put("kind", d.kind().name());
                n.put("tuple", d.tuple());
                n.put("kernel", d.kernel());
                n.put("pktpath", d.pktpath());
                n.put("frame", d.frame());
            }
            strings(events.putArray("notes"), c.notes());
        } else {
            o.putNull("conntrackEvents");
        }
        strings(o.putArray("notes"), r.notes());
        return o;
    }

    private static void longs(ArrayNode into, List<Long> values) {
        values.forEach(into::add);
    }

    private static void strings(ArrayNode into, List<String> values) {
        values.forEach(into::add);
    }
}
