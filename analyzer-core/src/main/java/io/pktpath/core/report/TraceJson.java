package io.pktpath.core.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pktpath.core.trace.Alternative;
import io.pktpath.core.trace.ChainReturnStep;
import io.pktpath.core.trace.CheckStep;
import io.pktpath.core.trace.ConntrackStep;
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
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.core.trace.Tuple;
import io.pktpath.core.trace.UndecidedStep;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The machine-readable contract of {@code pktpath analyze --format jsonl} (documented in docs/jsonl.md): one object per
 * frame with stable field names; {@code steps} holds exactly what the kernel's TRACE prints.
 */
public final class TraceJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Writes into a caller's stream, leaving it open and unflushed (the caller buffers and flushes). */
    private static final ObjectWriter STREAM_WRITER = MAPPER.writer()
            .without(JsonGenerator.Feature.AUTO_CLOSE_TARGET).without(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM)
            .without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);

    private TraceJson() {
    }

    /** The JSON line for one frame; {@code withPath} adds every typed step under {@code path}. */
    public static ObjectNode frame(PacketTrace trace, boolean withPath) {
        ObjectNode o = packet(trace.packet());
        o.put("role", trace.role().name());
        o.put("disposition", trace.disposition().name());
        o.put("reason", trace.reason());
        o.set("steps", kernelSteps(trace.path()));
        trace.path().stream().filter(s -> s instanceof ConntrackStep).map(s -> (ConntrackStep) s).findFirst()
                .ifPresentOrElse(c -> o.set("conntrack", conntrack(c)), () -> o.putNull("conntrack"));
        putNat(o, trace.nat());
        trace.route().ifPresentOrElse(r -> o.set("route", route(r)), () -> o.putNull("route"));
        ArrayNode correlated = o.putArray("correlated");
        trace.correlated().forEach(correlated::add);
        ArrayNode alternatives = o.putArray("alternatives");
        for (Alternative a : trace.alternatives()) {
            alternatives.add(alternative(a));
        }
        if (!trace.misses().isEmpty()) {
            ArrayNode misses = o.putArray("misses");
            trace.misses().forEach(m -> misses.add(miss(m)));
        }
        if (!trace.notes().isEmpty()) {
            ArrayNode notes = o.putArray("notes");
            trace.notes().forEach(notes::add);
        }
        if (withPath) {
            ArrayNode path = o.putArray("path");
            trace.path().forEach(s -> path.add(step(s)));
        }
        return o;
    }

    /** The packet fields of the contract: frame, time, iface, dir, family, proto, src, dst, sport, dport, ipId, len, icmp. */
    public static ObjectNode packet(PacketSummary p) {
        ObjectNode o = F.objectNode();
        o.put("frame", p.frame());
        o.put("time", time(p.timeNanos()));
        o.put("iface", p.iface());
        o.put("dir", p.dir());
        o.put("family", p.family());
        if (p.proto() >= 0) {
            o.put("proto", p.protoName());
        } else {
            o.putNull("proto");
        }
        p.src().ifPresentOrElse(a -> o.put("src", a.toString()), () -> o.putNull("src"));
        p.dst().ifPresentOrElse(a -> o.put("dst", a.toString()), () -> o.putNull("dst"));
        putInt(o, "sport", p.sport());
        putInt(o, "dport", p.dport());
        putInt(o, "ipId", p.ipId());
        putInt(o, "len", p.length());
        if (p.icmpType() >= 0) {
            o.put("icmpType", p.icmpType());
            o.put("icmpCode", p.icmpCode());
        }
        if (p.tcpFlags() >= 0) {
            o.put("tcpFlags", p.tcpFlags());
        }
        o.put("info", p.info());
        return o;
    }

    /** ISO-8601 UTC with nanoseconds, e.g. {@code 2026-11-22T00:41:07.123456789Z}. */
    public static String time(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)).toString();
    }

    /** Only the steps the kernel's TRACE prints: rule matches and base-chain policies, in the contract's shape. */
    public static ArrayNode kernelSteps(List<TraceStep> path) {
        ArrayNode a = F.arrayNode();
        for (TraceStep s : path) {
            if (s instanceof RuleStep r) {
                ObjectNode o = a.addObject();
                o.put("hook", r.hook().name());
                o.put("table", r.rule().table());
                o.put("chain", r.rule().chain());
                o.put("rule", r.rule().position());
                o.put("text", r.rule().text());
                o.put("verdict", r.verdict().toString());
                o.put("line", r.rule().span().line());
            } else if (s instanceof PolicyStep p) {
                ObjectNode o = a.addObject();
                o.put("hook", p.hook().name());
                o.put("table", p.table());
                o.put("chain", p.chain());
                o.putNull("rule");
                o.putNull("text");
                o.put("verdict", p.verdict().toString());
            }
        }
        return a;
    }

    private static void putNat(ObjectNode o, Optional<NatChange> nat) {
        if (nat.isPresent() && nat.get().changed()) {
            ObjectNode n = o.putObject("nat");
            n.set("before", tuple(nat.get().before()));
            n.set("after", tuple(nat.get().after()));
            n.put("masquerade", nat.get().masquerade());
        } else {
            o.putNull("nat");
        }
    }

    public static ObjectNode tuple(Tuple t) {
        ObjectNode o = F.objectNode();
        o.put("proto", io.pktpath.core.trace.ProtocolNames.name(t.protocol()));
        o.put("src", t.src().toString());
        o.put("sport", t.sport());
        o.put("dst", t.dst().toString());
        o.put("dport", t.dport());
        return o;
    }

    public static ObjectNode route(RouteDecision r) {
        ObjectNode o = F.objectNode();
        o.put("rulePriority", r.rulePriority());
        o.put("table", r.table());
        o.put("prefix", r.prefix());
        o.put("type", r.type());
        o.put("dev", r.dev());
        o.put("via", r.via());
        o.put("src", r.src());
        return o;
    }

    private static ObjectNode conntrack(ConntrackStep c) {
        ObjectNode o = F.objectNode();
        o.put("state", c.state().name());
        o.put("direction", c.reply() ? "REPLY" : "ORIGINAL");
        o.put("created", c.created());
        o.put("flow", c.flowId());
        o.put("detail", c.detail());
        return o;
    }

    public static ObjectNode alternative(Alternative a) {
        ObjectNode o = F.objectNode();
        o.put("choice", a.choice());
        if (Double.isNaN(a.probability())) {
            o.putNull("probability");
        } else {
            o.put("probability", a.probability());
        }
        o.put("disposition", a.disposition().name());
        o.put("reason", a.reason());
        o.set("steps", kernelSteps(a.steps()));
        putNat(o, a.nat());
        return o;
    }

    public static ObjectNode miss(RuleMiss m) {
        ObjectNode o = F.objectNode();
        o.put("hook", m.hook().name());
        o.put("table", m.rule().table());
        o.put("chain", m.rule().chain());
        o.put("rule", m.rule().position());
        o.put("text", m.rule().text());
        o.put("failedMatch", m.failedMatch());
        o.put("packetValue", m.packetValue());
        return o;
    }

    /** Any typed step, with a {@code type} discriminator, for the full {@code path}. */
    public static ObjectNode step(TraceStep s) {
        ObjectNode o = F.objectNode();
        o.put("type", s.getClass().getSimpleName().replace("Step", "").toLowerCase(java.util.Locale.ROOT));
        if (s.hook() != null) {
            o.put("hook", s.hook().name());
        }
        if (s instanceof RuleStep r) {
            o.put("table", r.rule().table());
            o.put("chain", r.rule().chain());
            o.put("rule", r.rule().position());
            o.put("line", r.rule().span().line());
            o.put("text", r.rule().text());
            o.put("verdict", r.verdict().toString());
            ArrayNode effects = o.putArray("effects");
            r.effects().forEach(effects::add);
        } else if (s instanceof PolicyStep p) {
            o.put("table", p.table());
            o.put("chain", p.chain());
            o.put("verdict", p.verdict().toString());
        } else if (s instanceof HookStep h) {
            ArrayNode tables = o.putArray("tables");
            h.tables().forEach(tables::add);
        } else if (s instanceof ChainReturnStep c) {
            o.put("table", c.table());
            o.put("chain", c.chain());
        } else if (s instanceof ConntrackStep c) {
            o.setAll(conntrack(c));
        } else if (s instanceof NatStep n) {
            o.put("kind", n.kind().name());
            o.set("before", tuple(n.before()));
            o.set("after", tuple(n.after()));
            n.rule().ifPresent(r -> o.put("ruleText", r.text()));
            o.put("detail", n.detail());
        } else if (s instanceof RouteStep r) {
            o.put("lookup", r.lookup());
            o.set("decision", route(r.decision()));
        } else if (s instanceof NeighborStep n) {
            o.put("address", n.address());
            o.put("dev", n.dev());
            o.put("state", n.state());
            o.put("deliverable", n.deliverable());
            o.put("detail", n.detail());
        } else if (s instanceof CheckStep c) {
            o.put("check", c.check());
            o.put("passed", c.passed());
            o.put("detail", c.detail());
        } else if (s instanceof UndecidedStep u) {
            o.put("table", u.rule().table());
            o.put("chain", u.rule().chain());
            o.put("rule", u.rule().position());
            o.put("reason", u.reason());
            o.put("decidedBy", u.decidedBy());
        }
        return o;
    }

    /** Compact single-line JSON text (field order as built, so output is deterministic). */
    public static String line(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("JSON tree could not be written", e);
        }
    }

    /**
     * Writes the characters {@link #line} returns for {@code node}, then a line separator, to {@code out} without
     * making them a String ({@code out} is neither flushed nor closed).
     */
    public static void writeLine(JsonNode node, Writer out) throws IOException {
        STREAM_WRITER.writeValue(out, node);
        out.write(System.lineSeparator());
    }

    private static void putInt(ObjectNode o, String name, int value) {
        if (value >= 0) {
            o.put(name, value);
        } else {
            o.putNull(name);
        }
    }
}
