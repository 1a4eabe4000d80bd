package io.pktpath.core.report;

import static io.pktpath.core.report.JsonNames.*;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.pktpath.core.trace.Alternative;
import io.pktpath.core.trace.ChainReturnStep;
import io.pktpath.core.trace.ArpStep;
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
import io.pktpath.core.trace.Reassembled;
import io.pktpath.core.trace.RouteDecision;
import io.pktpath.core.trace.RouteStep;
import io.pktpath.core.trace.RuleMiss;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.core.trace.TunnelTie;
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
        string(g, ROLE, trace.role().name());
        string(g, DISPOSITION, trace.disposition().name());
        string(g, REASON, trace.reason());
        g.writeFieldName(STEPS);
        writeKernelSteps(g, trace.path());
        g.writeFieldName(CONNTRACK);
        ConntrackStep ct = trace.firstConntrackStep();
        if (ct == null) {
            g.writeNull();
        } else {
            g.writeStartObject();
            conntrackFields(g, ct);
            g.writeEndObject();
        }
        writeNat(g, trace.nat());
        g.writeFieldName(ROUTE);
        if (trace.route().isPresent()) {
            writeRoute(g, trace.route().get());
        } else {
            g.writeNull();
        }
        arrayStart(g, CORRELATED);
        for (Long frame : trace.correlated()) {
            g.writeNumber(frame);
        }
        g.writeEndArray();
        if (trace.reassembled().isPresent()) {
            writeReassembled(g, trace.reassembled().get());
        }
        arrayStart(g, ALTERNATIVES);
        Alternative happened = trace.alternatives().isEmpty() ? null : trace.happened().orElse(null);
        for (Alternative a : trace.alternatives()) {
            writeAlternative(g, a, a == happened);
        }
        g.writeEndArray();
        if (!trace.misses().isEmpty()) {
            arrayStart(g, MISSES);
            for (RuleMiss m : trace.misses()) {
                writeMiss(g, m);
            }
            g.writeEndArray();
        }
        if (!trace.notes().isEmpty()) {
            writeStrings(g, NOTES, trace.notes());
        }
        if (trace.tunnel().isPresent()) {
            TunnelTie tie = trace.tunnel().get();
            g.writeFieldName(TUNNEL);
            g.writeStartObject();
            string(g, KIND, tie.carrier() ? "carrier" : "inner");
            string(g, ENCAPSULATION, tie.tunnel());
            g.writeFieldName(FRAME);
            if (tie.frame() > 0) {
                g.writeNumber(tie.frame());
            } else {
                g.writeNull();
            }
            string(g, DETAIL, tie.detail());
            g.writeEndObject();
        }
        if (trace.redirect().isPresent()) {
            writeRedirect(g, trace.redirect().get(), withPath);
        }
        if (withPath) {
            arrayStart(g, PATH);
            for (TraceStep s : trace.path()) {
                writeStep(g, s);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /**
     * {@code redirect}: the ICMP redirect the kernel sent the packet's source (src, dst, gateway, iface, len, whether
     * nf_nat dropped it before the capture point, what became of it, and with the path, the steps it walked).
     */
    private static void writeRedirect(JsonGenerator g, io.pktpath.core.trace.IcmpRedirect r, boolean withPath)
            throws IOException {
        g.writeFieldName(REDIRECT);
        g.writeStartObject();
        string(g, SRC, r.source().toString());
        string(g, DST, r.destination().toString());
        string(g, GATEWAY, r.gateway().toString());
        string(g, IFACE, r.outIface());
        g.writeFieldName(LEN);
        g.writeNumber(r.length());
        bool(g, DROPPED, r.dropped());
        string(g, DETAIL, r.outcome());
        if (withPath) {
            arrayStart(g, PATH);
            for (TraceStep s : r.path()) {
                writeStep(g, s);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
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
        number(g, FRAME, p.frame());
        string(g, TIME, time(p.timeNanos()));
        string(g, IFACE, p.iface());
        string(g, DIR, p.dir());
        number(g, FAMILY, p.family());
        string(g, PROTO, p.proto() >= 0 ? p.protoName() : null);
        string(g, SRC, p.src().map(Object::toString).orElse(null));
        string(g, DST, p.dst().map(Object::toString).orElse(null));
        intOrNull(g, SPORT, p.sport());
        intOrNull(g, DPORT, p.dport());
        intOrNull(g, IP_ID, p.ipId());
        intOrNull(g, LEN, p.length());
        if (p.icmpType() >= 0) {
            number(g, ICMP_TYPE, p.icmpType());
            number(g, ICMP_CODE, p.icmpCode());
        }
        if (p.tcpFlags() >= 0) {
            number(g, TCP_FLAGS, p.tcpFlags());
        }
        string(g, INFO, p.info());
    }

    /** The text of one whole second without its {@code Z}, kept for the next time of the same second. */
    private record SecondText(long epochSecond, String text) {
    }

    /** The second the last {@link #time} call wrote (immutable, so any thread may read another's). */
    private static SecondText lastSecond = new SecondText(0, "1970-01-01T00:00:00");

    /**
     * ISO-8601 UTC with nanoseconds, e.g. {@code 2026-11-22T00:41:07.123456789Z}, exactly as {@code Instant.toString}
     * writes it (the fraction in groups of three digits, none when it is zero); the date and clock of a second are
     * made once for the frames of that second.
     */
    public static String time(long nanos) {
        long second = Math.floorDiv(nanos, 1_000_000_000L);
        int fraction = (int) Math.floorMod(nanos, 1_000_000_000L);
        SecondText known = lastSecond;
        if (known.epochSecond() != second) {
            String whole = Instant.ofEpochSecond(second).toString();
            known = new SecondText(second, whole.substring(0, whole.length() - 1));
            lastSecond = known;
        }
        if (fraction == 0) {
            return known.text() + "Z";
        }
        StringBuilder sb = new StringBuilder(known.text().length() + 11).append(known.text()).append('.');
        if (fraction % 1_000_000 == 0) {
            appendDigits(sb, fraction / 1_000_000, 3);
        } else if (fraction % 1000 == 0) {
            appendDigits(sb, fraction / 1000, 6);
        } else {
            appendDigits(sb, fraction, 9);
        }
        return sb.append('Z').toString();
    }

    private static void appendDigits(StringBuilder sb, int value, int digits) {
        String text = Integer.toString(value);
        for (int i = text.length(); i < digits; i++) {
            sb.append('0');
        }
        sb.append(text);
    }

    /** Only the steps the kernel's TRACE prints: rule matches and base-chain policies, in the contract's shape. */
    public static ArrayNode kernelSteps(List<TraceStep> path) {
        return (ArrayNode) tree(g -> writeKernelSteps(g, path));
    }

    /** A rule's column, written only where one is known ({@code nft -j}'s one-line document). */
    private static void column(JsonGenerator g, io.pktpath.core.trace.RuleRef rule) throws IOException {
        if (rule.span().column() > 0) {
            number(g, COLUMN, rule.span().column());
        }
    }

    private static void writeKernelSteps(JsonGenerator g, List<TraceStep> path) throws IOException {
        g.writeStartArray();
        for (TraceStep s : path) {
            if (s instanceof RuleStep r) {
                g.writeStartObject();
                ruleFields(g, r.hook(), r.rule());
                string(g, VERDICT, r.verdict().toString());
                number(g, LINE, r.rule().span().line());
                column(g, r.rule());
                backend(g, r.rule().table());
                g.writeEndObject();
            } else if (s instanceof PolicyStep p) {
                g.writeStartObject();
                string(g, HOOK, p.hook().name());
                string(g, TABLE, p.table());
                string(g, CHAIN, p.chain());
                nul(g, RULE);
                nul(g, TEXT);
                string(g, VERDICT, p.verdict().toString());
                backend(g, p.table());
                g.writeEndObject();
            }
        }
        g.writeEndArray();
    }

    /**
     * {@code "backend": "iptables-legacy"} for a step in an iptables-legacy table replayed beside iptables-nft's (its
     * table named {@code legacy <table>}, its line the legacy dump's); nothing for any other table.
     */
    private static void backend(JsonGenerator g, String table) throws IOException {
        if (io.pktpath.core.netfilter.LegacyTables.isLegacy(table)) {
            string(g, BACKEND, io.pktpath.core.netfilter.LegacyTables.BACKEND);
        }
    }

    /** The fields that place a rule: hook, table, chain, position and the rule's text. */
    private static void ruleFields(JsonGenerator g, Hook hook, RuleRef rule) throws IOException {
        string(g, HOOK, hook.name());
        string(g, TABLE, rule.table());
        string(g, CHAIN, rule.chain());
        number(g, RULE, rule.position());
        string(g, TEXT, rule.text());
    }

    private static void writeNat(JsonGenerator g, Optional<NatChange> nat) throws IOException {
        g.writeFieldName(NAT);
        if (nat.isPresent() && nat.get().changed()) {
            g.writeStartObject();
            g.writeFieldName(BEFORE);
            writeTuple(g, nat.get().before());
            g.writeFieldName(AFTER);
            writeTuple(g, nat.get().after());
            bool(g, MASQUERADE, nat.get().masquerade());
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
        string(g, PROTO, io.pktpath.core.trace.ProtocolNames.name(t.protocol()));
        string(g, SRC, t.src().toString());
        number(g, SPORT, t.sport());
        string(g, DST, t.dst().toString());
        number(g, DPORT, t.dport());
        g.writeEndObject();
    }

    public static ObjectNode route(RouteDecision r) {
        return object(g -> writeRoute(g, r));
    }

    private static void writeRoute(JsonGenerator g, RouteDecision r) throws IOException {
        g.writeStartObject();
        number(g, RULE_PRIORITY, r.rulePriority());
        string(g, TABLE, r.table());
        string(g, PREFIX, r.prefix());
        string(g, TYPE, r.type());
        string(g, DEV, r.dev());
        string(g, VIA, r.via());
        string(g, SRC, r.src());
        g.writeEndObject();
    }

    private static void conntrackFields(JsonGenerator g, ConntrackStep c) throws IOException {
        string(g, STATE, c.state().name());
        string(g, DIRECTION, c.reply() ? "REPLY" : "ORIGINAL");
        bool(g, CREATED, c.created());
        number(g, FLOW, c.flowId());
        string(g, DETAIL, c.detail());
    }

    /** One alternative as a tree; {@code happened} when a frame of the capture showed it was the one taken. */
    public static ObjectNode alternative(Alternative a, boolean happened) {
        return object(g -> writeAlternative(g, a, happened));
    }

    private static void writeAlternative(JsonGenerator g, Alternative a, boolean happened) throws IOException {
        g.writeStartObject();
        string(g, CHOICE, a.choice());
        if (Double.isNaN(a.probability())) {
            nul(g, PROBABILITY);
        } else {
            number(g, PROBABILITY, a.probability());
        }
        string(g, DISPOSITION, a.disposition().name());
        string(g, REASON, a.reason());
        g.writeFieldName(STEPS);
        writeKernelSteps(g, a.steps());
        writeNat(g, a.nat());
        bool(g, HAPPENED, happened);
        g.writeEndObject();
    }

    public static ObjectNode miss(RuleMiss m) {
        return object(g -> writeMiss(g, m));
    }

    private static void writeMiss(JsonGenerator g, RuleMiss m) throws IOException {
        g.writeStartObject();
        ruleFields(g, m.hook(), m.rule());
        string(g, FAILED_MATCH, m.failedMatch());
        string(g, PACKET_VALUE, m.packetValue());
        backend(g, m.rule().table());
        g.writeEndObject();
    }

    /** Any typed step, with a {@code type} discriminator, for the full {@code path}. */
    public static ObjectNode step(TraceStep s) {
        return object(g -> writeStep(g, s));
    }

    private static void writeStep(JsonGenerator g, TraceStep s) throws IOException {
        g.writeStartObject();
        string(g, TYPE, s.getClass().getSimpleName().replace("Step", "").toLowerCase(java.util.Locale.ROOT));
        if (s.hook() != null) {
            string(g, HOOK, s.hook().name());
        }
        if (s instanceof RuleStep r) {
            string(g, TABLE, r.rule().table());
            string(g, CHAIN, r.rule().chain());
            number(g, RULE, r.rule().position());
            number(g, LINE, r.rule().span().line());
            column(g, r.rule());
            string(g, TEXT, r.rule().text());
            string(g, VERDICT, r.verdict().toString());
            writeStrings(g, EFFECTS, r.effects());
            backend(g, r.rule().table());
        } else if (s instanceof PolicyStep p) {
            string(g, TABLE, p.table());
            string(g, CHAIN, p.chain());
            string(g, VERDICT, p.verdict().toString());
            backend(g, p.table());
        } else if (s instanceof HookStep h) {
            writeStrings(g, TABLES, h.tables());
        } else if (s instanceof ChainReturnStep c) {
            string(g, TABLE, c.table());
            string(g, CHAIN, c.chain());
        } else if (s instanceof ConntrackStep c) {
            conntrackFields(g, c);
        } else if (s instanceof NatStep n) {
            string(g, KIND, n.kind().name());
            g.writeFieldName(BEFORE);
            writeTuple(g, n.before());
            g.writeFieldName(AFTER);
            writeTuple(g, n.after());
            if (n.rule().isPresent()) {
                string(g, RULE_TEXT, n.rule().get().text());
            }
            string(g, DETAIL, n.detail());
        } else if (s instanceof RouteStep r) {
            string(g, LOOKUP, r.lookup());
            g.writeFieldName(DECISION);
            writeRoute(g, r.decision());
        } else if (s instanceof NeighborStep n) {
            string(g, ADDRESS, n.address());
            string(g, DEV, n.dev());
            string(g, STATE, n.state());
            bool(g, DELIVERABLE, n.deliverable());
            string(g, DETAIL, n.detail());
        } else if (s instanceof ArpStep a) {
            string(g, ARP_RULE, a.rule().code());
            bool(g, ANSWERED, a.answered());
            string(g, DEV, a.dev());
            string(g, DETAIL, a.detail());
        } else if (s instanceof CheckStep c) {
            string(g, CHECK, c.check());
            bool(g, PASSED, c.passed());
            string(g, DETAIL, c.detail());
        } else if (s instanceof UndecidedStep u) {
            string(g, TABLE, u.rule().table());
            string(g, CHAIN, u.rule().chain());
            number(g, RULE, u.rule().position());
            string(g, REASON, u.reason());
            string(g, DECIDED_BY, u.decidedBy());
            backend(g, u.rule().table());
        }
        g.writeEndObject();
    }

    private static void writeStrings(JsonGenerator g, SerializedString name, List<String> values) throws IOException {
        arrayStart(g, name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private static void intOrNull(JsonGenerator g, SerializedString name, int value) throws IOException {
        if (value >= 0) {
            number(g, name, value);
        } else {
            nul(g, name);
        }
    }

    // field names written from their pre-quoted form (JsonNames), not escaped again for every frame

    private static void string(JsonGenerator g, SerializedString name, String value) throws IOException {
        g.writeFieldName(name);
        g.writeString(value);
    }

    /** An integer field (ints too: the digits are the same). */
    private static void number(JsonGenerator g, SerializedString name, long value) throws IOException {
        g.writeFieldName(name);
        g.writeNumber(value);
    }

    private static void number(JsonGenerator g, SerializedString name, double value) throws IOException {
        g.writeFieldName(name);
        g.writeNumber(value);
    }

    private static void bool(JsonGenerator g, SerializedString name, boolean value) throws IOException {
        g.writeFieldName(name);
        g.writeBoolean(value);
    }

    private static void nul(JsonGenerator g, SerializedString name) throws IOException {
        g.writeFieldName(name);
        g.writeNull();
    }

    private static void arrayStart(JsonGenerator g, SerializedString name) throws IOException {
        g.writeFieldName(name);
        g.writeStartArray();
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

    /** {@code reassembled}: the whole datagram's length and ports and the fragment frames it was made of or left as. */
    private static void writeReassembled(JsonGenerator g, Reassembled r) throws IOException {
        g.writeFieldName(REASSEMBLED);
        g.writeStartObject();
        g.writeFieldName(LEN);
        g.writeNumber(r.datagram().length());
        if (r.datagram().sport() >= 0) {
            g.writeFieldName("sport");
            g.writeNumber(r.datagram().sport());
            g.writeFieldName("dport");
            g.writeNumber(r.datagram().dport());
        }
        arrayStart(g, FRAGMENTS);
        for (Long frame : r.fragments()) {
            g.writeNumber(frame);
        }
        g.writeEndArray();
        g.writeEndObject();
    }
}
