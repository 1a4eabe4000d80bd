package io.pktpath.core.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.pktpath.core.trace.Alternative;
import io.pktpath.core.trace.ChainReturnStep;
import io.pktpath.core.trace.CheckStep;
import io.pktpath.core.trace.ConntrackStep;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.HookStep;
import io.pktpath.core.trace.NatChange;
import io.pktpath.core.trace.NatStep;
import io.pktpath.core.trace.NeighborStep;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RouteDecision;
import io.pktpath.core.trace.RouteStep;
import io.pktpath.core.trace.RuleMiss;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.core.trace.Tuple;
import io.pktpath.core.trace.UndecidedStep;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The machine-readable contract of {@code pktpath analyze --format jsonl} (documented in docs/jsonl.md): one object per
 * frame with stable field names; {@code steps} holds exactly what the kernel's TRACE prints. Each shape is written in
 * one place, to a streaming generator (the CLI writes a capture's frames straight to its output, with no tree in
 * between); the tree forms are read back from those same tokens.
 */
public final class TraceJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TraceJson() {
    }

    /** Writes one JSON shape to a generator (the single definition of that shape). */
    @FunctionalInterface
    private interface Shape {
        void writeTo(JsonGenerator g) throws IOException;
    }

    /**
     * A generator for JSON on {@code out} that leaves {@code out} open and unflushed (flush the generator, then
     * {@code out}, at the end) and writes nothing between values by itself. Give it a UTF-8 writer for bytes: Jackson's
     * own UTF-8 generator would write characters beyond the BMP as escapes, which the tree printed never did.
     */
    public static JsonGenerator generator(Writer out) throws IOException {
        JsonGenerator g = MAPPER.getFactory().createGenerator(out);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
        g.setRootValueSeparator(null);
        return g;
    }

    /** Writes one frame's line: the object {@link #frame} gives, then the line separator. */
    public static void writeFrameLine(JsonGenerator g, PacketTrace trace, boolean withPath) throws IOException {
        writeFrame(g, trace, withPath);
        g.writeRaw(System.lineSeparator());
    }

    /** The JSON line for one frame; {@code withPath} adds every typed step under {@code path}. */
    public static ObjectNode frame(PacketTrace trace, boolean withPath) {
        return object(g -> writeFrame(g, trace, withPath));
    }

    /** Writes the object {@link #frame} describes. */
    public static void writeFrame(JsonGenerator g, PacketTrace trace, boolean withPath) throws IOException {
        g.writeStartObject();
        packetFields(g, trace.packet());
        g.writeStringField("role", trace.role().name());
        g.writeStringField("disposition", trace.disposition().name());
        g.writeStringField("reason", trace.reason());
        g.writeFieldName("steps");
        writeKernelSteps(g, trace.path());
        g.writeFieldName("conntrack");
        ConntrackStep ct = firstConntrackStep(trace.path());
        if (ct == null) {
            g.writeNull();
        } else {
            g.writeStartObject();
            conntrackFields(g, ct);
            g.writeEndObject();
        }
        writeNat(g, trace.nat());
        g.writeFieldName("route");
        if (trace.route().isPresent()) {
            writeRoute(g, trace.route().get());
        } else {
            g.writeNull();
        }
        g.writeArrayFieldStart("correlated");
        for (Long frame : trace.correlated()) {
            g.writeNumber(frame);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("alternatives");
        for (Alternative a : trace.alternatives()) {
            writeAlternative(g, a);
        }
        g.writeEndArray();
        if (!trace.misses().isEmpty()) {
            g.writeArrayFieldStart("misses");
            for (RuleMiss m : trace.misses()) {
                writeMiss(g, m);
            }
            g.writeEndArray();
        }
        if (!trace.notes().isEmpty()) {
            writeStrings(g, "notes", trace.notes());
        }
        if (withPath) {
            g.writeArrayFieldStart("path");
            for (TraceStep s : trace.path()) {
                writeStep(g, s);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static ConntrackStep firstConntrackStep(List<TraceStep> path) {
        for (TraceStep s : path) {
            if (s instanceof ConntrackStep c) {
                return c;
            }
        }
        return null;
    }

    /** The packet fields of the contract: frame, time, iface, dir, family, proto, src, dst, sport, dport, ipId, len, icmp. */
    public static ObjectNode packet(PacketSummary p) {
        return object(g -> {
            g.writeStartObject();
            packetFields(g, p);
            g.writeEndObject();
        });
    }

    private static void packetFields(JsonGenerator g, PacketSummary p) throws IOException {
        g.writeNumberField("frame", p.frame());
        g.writeStringField("time", time(p.timeNanos()));
        g.writeStringField("iface", p.iface());
        g.writeStringField("dir", p.dir());
        g.writeNumberField("family", p.family());
        g.writeStringField("proto", p.proto() >= 0 ? p.protoName() : null);
        g.writeStringField("src", p.src().map(Object::toString).orElse(null));
        g.writeStringField("dst", p.dst().map(Object::toString).orElse(null));
        intOrNull(g, "sport", p.sport());
        intOrNull(g, "dport", p.dport());
        intOrNull(g, "ipId", p.ipId());
        intOrNull(g, "len", p.length());
        if (p.icmpType() >= 0) {
            g.writeNumberField("icmpType", p.icmpType());
            g.writeNumberField("icmpCode", p.icmpCode());
        }
        if (p.tcpFlags() >= 0) {
            g.writeNumberField("tcpFlags", p.tcpFlags());
        }
        g.writeStringField("info", p.info());
    }

    /** ISO-8601 UTC with nanoseconds, e.g. {@code 2026-11-22T00:41:07.123456789Z}. */
    public static String time(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)).toString();
    }

    /** Only the steps the kernel's TRACE prints: rule matches and base-chain policies, in the contract's shape. */
    public static ArrayNode kernelSteps(List<TraceStep> path) {
        return (ArrayNode) tree(g -> writeKernelSteps(g, path));
    }

    private static void writeKernelSteps(JsonGenerator g, List<TraceStep> path) throws IOException {
        g.writeStartArray();
        for (TraceStep s : path) {
            if (s instanceof RuleStep r) {
                g.writeStartObject();
                ruleFields(g, r.hook(), r.rule());
                g.writeStringField("verdict", r.verdict().toString());
                g.writeNumberField("line", r.rule().span().line());
                g.writeEndObject();
            } else if (s instanceof PolicyStep p) {
                g.writeStartObject();
                g.writeStringField("hook", p.hook().name());
                g.writeStringField("table", p.table());
                g.writeStringField("chain", p.chain());
                g.writeNullField("rule");
                g.writeNullField("text");
                g.writeStringField("verdict", p.verdict().toString());
                g.writeEndObject();
            }
        }
        g.writeEndArray();
    }

    /** The fields that place a rule: hook, table, chain, position and the rule's text. */
    private static void ruleFields(JsonGenerator g, Hook hook, RuleRef rule) throws IOException {
        g.writeStringField("hook", hook.name());
        g.writeStringField("table", rule.table());
        g.writeStringField("chain", rule.chain());
        g.writeNumberField("rule", rule.position());
        g.writeStringField("text", rule.text());
    }

    private static void writeNat(JsonGenerator g, Optional<NatChange> nat) throws IOException {
        g.writeFieldName("nat");
        if (nat.isPresent() && nat.get().changed()) {
            g.writeStartObject();
            g.writeFieldName("before");
            writeTuple(g, nat.get().before());
            g.writeFieldName("after");
            writeTuple(g, nat.get().after());
            g.writeBooleanField("masquerade", nat.get().masquerade());
            g.writeEndObject();
        } else {
            g.writeNull();
        }
    }

    public static ObjectNode tuple(Tuple t) {
        return object(g -> writeTuple(g, t));
    }

    private static void writeTuple(JsonGenerator g, Tuple t) throws IOException {
        g.writeStartObject();
        g.writeStringField("proto", io.pktpath.core.trace.ProtocolNames.name(t.protocol()));
        g.writeStringField("src", t.src().toString());
        g.writeNumberField("sport", t.sport());
        g.writeStringField("dst", t.dst().toString());
        g.writeNumberField("dport", t.dport());
        g.writeEndObject();
    }

    public static ObjectNode route(RouteDecision r) {
        return object(g -> writeRoute(g, r));
    }

    private static void writeRoute(JsonGenerator g, RouteDecision r) throws IOException {
        g.writeStartObject();
        g.writeNumberField("rulePriority", r.rulePriority());
        g.writeStringField("table", r.table());
        g.writeStringField("prefix", r.prefix());
        g.writeStringField("type", r.type());
        g.writeStringField("dev", r.dev());
        g.writeStringField("via", r.via());
        g.writeStringField("src", r.src());
        g.writeEndObject();
    }

    private static void conntrackFields(JsonGenerator g, ConntrackStep c) throws IOException {
        g.writeStringField("state", c.state().name());
        g.writeStringField("direction", c.reply() ? "REPLY" : "ORIGINAL");
        g.writeBooleanField("created", c.created());
        g.writeNumberField("flow", c.flowId());
        g.writeStringField("detail", c.detail());
    }

    public static ObjectNode alternative(Alternative a) {
        return object(g -> writeAlternative(g, a));
    }

    private static void writeAlternative(JsonGenerator g, Alternative a) throws IOException {
        g.writeStartObject();
        g.writeStringField("choice", a.choice());
        if (Double.isNaN(a.probability())) {
            g.writeNullField("probability");
        } else {
            g.writeNumberField("probability", a.probability());
        }
        g.writeStringField("disposition", a.disposition().name());
        g.writeStringField("reason", a.reason());
        g.writeFieldName("steps");
        writeKernelSteps(g, a.steps());
        writeNat(g, a.nat());
        g.writeEndObject();
    }

    public static ObjectNode miss(RuleMiss m) {
        return object(g -> writeMiss(g, m));
    }

    private static void writeMiss(JsonGenerator g, RuleMiss m) throws IOException {
        g.writeStartObject();
        ruleFields(g, m.hook(), m.rule());
        g.writeStringField("failedMatch", m.failedMatch());
        g.writeStringField("packetValue", m.packetValue());
        g.writeEndObject();
    }

    /** Any typed step, with a {@code type} discriminator, for the full {@code path}. */
    public static ObjectNode step(TraceStep s) {
        return object(g -> writeStep(g, s));
    }

    private static void writeStep(JsonGenerator g, TraceStep s) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", s.getClass().getSimpleName().replace("Step", "").toLowerCase(java.util.Locale.ROOT));
        if (s.hook() != null) {
            g.writeStringField("hook", s.hook().name());
        }
        if (s instanceof RuleStep r) {
            g.writeStringField("table", r.rule().table());
            g.writeStringField("chain", r.rule().chain());
            g.writeNumberField("rule", r.rule().position());
            g.writeNumberField("line", r.rule().span().line());
            g.writeStringField("text", r.rule().text());
            g.writeStringField("verdict", r.verdict().toString());
            writeStrings(g, "effects", r.effects());
        } else if (s instanceof PolicyStep p) {
            g.writeStringField("table", p.table());
            g.writeStringField("chain", p.chain());
            g.writeStringField("verdict", p.verdict().toString());
        } else if (s instanceof HookStep h) {
            writeStrings(g, "tables", h.tables());
        } else if (s instanceof ChainReturnStep c) {
            g.writeStringField("table", c.table());
            g.writeStringField("chain", c.chain());
        } else if (s instanceof ConntrackStep c) {
            conntrackFields(g, c);
        } else if (s instanceof NatStep n) {
            g.writeStringField("kind", n.kind().name());
            g.writeFieldName("before");
            writeTuple(g, n.before());
            g.writeFieldName("after");
            writeTuple(g, n.after());
            if (n.rule().isPresent()) {
                g.writeStringField("ruleText", n.rule().get().text());
            }
            g.writeStringField("detail", n.detail());
        } else if (s instanceof RouteStep r) {
            g.writeStringField("lookup", r.lookup());
            g.writeFieldName("decision");
            writeRoute(g, r.decision());
        } else if (s instanceof NeighborStep n) {
            g.writeStringField("address", n.address());
            g.writeStringField("dev", n.dev());
            g.writeStringField("state", n.state());
            g.writeBooleanField("deliverable", n.deliverable());
            g.writeStringField("detail", n.detail());
        } else if (s instanceof CheckStep c) {
            g.writeStringField("check", c.check());
            g.writeBooleanField("passed", c.passed());
            g.writeStringField("detail", c.detail());
        } else if (s instanceof UndecidedStep u) {
            g.writeStringField("table", u.rule().table());
            g.writeStringField("chain", u.rule().chain());
            g.writeNumberField("rule", u.rule().position());
            g.writeStringField("reason", u.reason());
            g.writeStringField("decidedBy", u.decidedBy());
        }
        g.writeEndObject();
    }

    private static void writeStrings(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private static void intOrNull(JsonGenerator g, String name, int value) throws IOException {
        if (value >= 0) {
            g.writeNumberField(name, value);
        } else {
            g.writeNullField(name);
        }
    }

    private static ObjectNode object(Shape shape) {
        return (ObjectNode) tree(shape);
    }

    /** The tree of what {@code shape} writes, read back from its tokens. */
    private static JsonNode tree(Shape shape) {
        try (TokenBuffer tokens = new TokenBuffer(MAPPER, false)) {
            shape.writeTo(tokens);
            return MAPPER.readTree(tokens.asParser());
        } catch (IOException e) {
            throw new UncheckedIOException("a JSON shape could not be buffered", e);
        }
    }

    /** Compact single-line JSON text (field order as built, so output is deterministic). */
    public static String line(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("JSON tree could not be written", e);
        }
    }
}
