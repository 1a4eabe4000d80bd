package io.pktpath.core.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.DropCause;
import io.pktpath.core.analysis.NatMapping;
import io.pktpath.core.analysis.Summary;
import io.pktpath.core.capture.CaptureIssue;
import io.pktpath.core.conntrack.FlowRecord;
import io.pktpath.core.conntrack.NatRecord;
import io.pktpath.core.findings.Finding;
import io.pktpath.parser.bundle.BundleInventory;
import io.pktpath.parser.diag.Diagnostic;
import java.util.List;

/**
 * The JSON shapes of the summary, flows, findings, diagnostics and inventory (docs/cli.md), shared by the CLI and the
 * desktop's exports; frames use {@link TraceJson}.
 */
public final class ReportJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ReportJson() {
    }

    public static ObjectNode summary(AnalysisResult r) {
        Summary s = r.summary();
        ObjectNode o = F.objectNode();
        r.capture().ifPresentOrElse(c -> o.put("capture", c.file()), () -> o.putNull("capture"));
        o.put("frames", s.frames());
        o.put("flows", r.flows().size());
        ObjectNode roles = o.putObject("roles");
        s.roles().forEach((k, v) -> roles.put(k.name(), v));
        ObjectNode disp = o.putObject("dispositions");
        s.dispositions().forEach((k, v) -> disp.put(k.name(), v));
        ArrayNode drops = o.putArray("drops");
        for (DropCause d : s.drops()) {
            ObjectNode n = drops.addObject();
            n.put("disposition", d.disposition().name());
            n.put("responsible", d.responsible());
            n.put("location", d.location());
            n.put("count", d.count());
            longs(n.putArray("frames"), d.frames());
        }
        ArrayNode nat = o.putArray("nat");
        for (NatMapping m : s.natMappings()) {
            ObjectNode n = nat.addObject();
            n.put("kind", m.kind());
            n.put("before", m.before());
            n.put("after", m.after());
            n.put("packets", m.packets());
            longs(n.putArray("frames"), m.frames());
        }
        r.predictedStats().ifPresent(st -> {
            ObjectNode n = o.putObject("conntrackPredicted");
            n.put("found", st.found());
            n.put("invalid", st.invalid());
            n.put("insert", st.insert());
            n.put("insert_failed", st.insertFailed());
            n.put("drop", st.drop());
            n.put("clash_resolve", st.clashResolve());
            n.put("possibleRaces", st.possibleRaces());
        });
        ArrayNode assumptions = o.putArray("assumptions");
        r.assumptions().forEach(assumptions::add);
        ObjectNode frameAssumptions = o.putObject("frameAssumptions");
        s.assumptions().forEach(frameAssumptions::put);
        ArrayNode issues = o.putArray("captureIssues");
        r.capture().ifPresent(c -> c.issues().forEach(i -> issues.add(issue(i))));
        return o;
    }

    private static ObjectNode issue(CaptureIssue i) {
        ObjectNode n = F.objectNode();
        n.put("severity", i.severity().name());
        n.put("code", i.code());
        n.put("message", i.message());
        n.put("expected", i.expected());
        n.put("frame", i.frameNumber());
        n.put("byteOffset", i.byteOffset());
        n.put("file", i.file());
        return n;
    }

    public static ArrayNode flows(List<FlowRecord> flows) {
        ArrayNode a = F.arrayNode();
        for (FlowRecord f : flows) {
            ObjectNode n = a.addObject();
            n.put("id", f.id());
            n.put("zone", f.zone());
            n.set("original", TraceJson.tuple(f.original()));
            n.set("reply", TraceJson.tuple(f.reply()));
            ArrayNode nat = n.putArray("nat");
            for (NatRecord r : f.nat()) {
                ObjectNode x = nat.addObject();
                x.put("kind", r.kind().name());
                r.rule().ifPresentOrElse(rule -> x.put("rule", rule.labelWithSource()), () -> x.putNull("rule"));
                x.put("detail", r.detail());
            }
            n.put("state", f.state());
            n.put("assured", f.assured());
            n.put("outcome", f.outcome());
            n.put("packetsOriginal", f.packetsOriginal());
            n.put("bytesOriginal", f.bytesOriginal());
            n.put("packetsReply", f.packetsReply());
            n.put("bytesReply", f.bytesReply());
            n.put("first", TraceJson.time(f.firstNanos()));
            n.put("last", TraceJson.time(f.lastNanos()));
            n.put("durationNanos", f.durationNanos());
            n.put("fromBundle", f.fromBundle());
            n.put("mark", f.mark());
            longs(n.putArray("frames"), f.frames());
            f.tunnel().ifPresent(t -> {
                // only on an overlay tunnel's carrier flows: every other flow's JSON is as it was
                ObjectNode x = n.putObject("tunnel");
                x.put("encapsulation", t.tunnel());
                x.put("role", "carrier");
                longs(x.putArray("innerFlows"), t.innerFlows());
                x.put("moreInnerFlows", t.moreInner());
                x.put("note", t.explanation());
            });
            f.carriedBy().ifPresent(c -> {
                // only on a flow an overlay tunnel carried: the carrier flows, each direction's own
                ObjectNode x = n.putObject("carriedBy");
                x.put("encapsulation", c.tunnel());
                longs(x.putArray("carrierFlows"), c.carrierFlows());
                x.put("moreCarrierFlows", c.moreCarriers());
                x.put("note", c.carried());
            });
        }
        return a;
    }

    public static ArrayNode findings(List<Finding> findings) {
        ArrayNode a = F.arrayNode();
        for (Finding f : findings) {
            ObjectNode n = a.addObject();
            n.put("code", f.code());
            n.put("severity", f.severity().name());
            n.put("title", f.title());
            longs(n.putArray("frames"), f.frames());
            ArrayNode rules = n.putArray("rules");
            f.rules().forEach(rules::add);
            ArrayNode ev = n.putArray("evidence");
            f.evidence().forEach(ev::add);
            n.put("fix", f.fix());
            n.put("confidence", f.confidence());
        }
        return a;
    }

    public static ArrayNode diagnostics(List<Diagnostic> diagnostics) {
        ArrayNode a = F.arrayNode();
        for (Diagnostic d : diagnostics) {
            ObjectNode n = a.addObject();
            n.put("severity", d.severity().name());
            n.put("code", d.code());
            n.put("file", d.span().file());
            n.put("line", d.span().line());
            n.put("column", d.span().column());
            n.put("message", d.message());
            n.put("expected", d.expected());
            n.put("lineText", d.lineText());
        }
        return a;
    }

    public static ObjectNode inventory(BundleInventory inv) {
        ObjectNode o = F.objectNode();
        ArrayNode found = o.putArray("found");
        for (BundleInventory.Found f : inv.found()) {
            ObjectNode n = found.addObject();
            n.put("file", f.file());
            n.put("kind", f.kind().name());
            n.put("note", f.note());
        }
        ArrayNode ignored = o.putArray("ignored");
        for (BundleInventory.Ignored i : inv.ignored()) {
            ObjectNode n = ignored.addObject();
            n.put("file", i.file());
            n.put("reason", i.reason());
        }
        ArrayNode missing = o.putArray("missing");
        inv.missing().forEach(missing::add);
        if (!inv.namespaces().isEmpty()) {
            // an sosreport holding network namespaces: which one was read (null: the node) and which it holds
            if (inv.netns().isEmpty()) {
                o.putNull("netns");
            } else {
                o.put("netns", inv.netns());
            }
            ArrayNode namespaces = o.putArray("namespaces");
            inv.namespaces().forEach(namespaces::add);
        }
        return o;
    }

    private static void longs(ArrayNode a, List<Long> values) {
        values.forEach(a::add);
    }
}
