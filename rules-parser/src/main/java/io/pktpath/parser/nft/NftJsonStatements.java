package io.pktpath.parser.nft;

import io.pktpath.parser.json.JsonValue;
import io.pktpath.parser.nft.NftJsonExpressions.Kind;
import io.pktpath.parser.nft.NftJsonExpressions.Typed;
import io.pktpath.parser.nft.NftJsonExpressions.Unrendered;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import static io.pktpath.parser.nft.NftJsonExpressions.array;
import static io.pktpath.parser.nft.NftJsonExpressions.member;
import static io.pktpath.parser.nft.NftJsonExpressions.object;
import static io.pktpath.parser.nft.NftJsonExpressions.quote;
import static io.pktpath.parser.nft.NftJsonExpressions.selector;
import static io.pktpath.parser.nft.NftJsonExpressions.value;

/**
 * Writes a rule's {@code expr} list of libnftables' JSON as the rule text {@code nft list ruleset} prints: matches,
 * {@code counter}, {@code log}, {@code limit}, {@code quota}, {@code ct count}, {@code reject}, verdicts, {@code vmap},
 * {@code dnat}/{@code snat}/{@code masquerade}/{@code redirect}, {@code mangle} ({@code meta mark set}),
 * {@code notrack}, set statements and {@code meter}; a statement it cannot write is reported and written
 * {@code unrendered-KEY}, a word the translation refuses, so the rule is never lost.
 */
final class NftJsonStatements {
    /** The word a statement the renderer cannot write becomes, followed by its key. */
    static final String UNRENDERED = "unrendered-";
    private static final Set<String> VERDICTS = Set.of("accept", "drop", "continue", "return");
    private static final Set<String> NAT_MEMBERS = Set.of("family", "addr", "port", "flags");
    private static final String STATEMENTS = "match, counter, log, limit, quota, ct count, reject, accept, drop, return, "
            + "jump, goto, vmap, "
            + "dnat, snat, masquerade, redirect, mangle, notrack, set, meter or xt";

    private NftJsonStatements() {
    }

    /** The rule's text; each statement that cannot be written is given to {@code unrendered}. */
    static String rule(JsonValue.JsonObject rule, NftFamily family, Consumer<Unrendered> unrendered) {
        List<String> parts = new ArrayList<>();
        JsonValue expr = rule.get("expr").orElse(null);
        if (!(expr instanceof JsonValue.JsonArray list) || list.items().isEmpty()) {
            unrendered.accept(new Unrendered(expr == null ? rule : expr, "rule without an expression list",
                    "\"expr\": [ statements ]"));
            return UNRENDERED + "expr";
        }
        for (JsonValue item : list.items()) {
            try {
                parts.add(statement(item, family));
            } catch (Unrendered e) {
                unrendered.accept(e);
                parts.add(UNRENDERED + keyOf(item));
            }
        }
        rule.string("comment").ifPresent(c -> parts.add("comment " + quote(c)));
        return String.join(" ", parts);
    }

    private static String keyOf(JsonValue item) {
        if (item instanceof JsonValue.JsonObject o && o.members().size() == 1) {
            return o.members().keySet().iterator().next().replaceAll("[^A-Za-z0-9_-]", "_");
        }
        return "statement";
    }

    private static String statement(JsonValue item, NftFamily family) throws Unrendered {
        if (!(item instanceof JsonValue.JsonObject o) || o.members().size() != 1) {
            throw new Unrendered(item, "not a statement object", "{\"STATEMENT\": ...} with one member");
        }
        String key = o.members().keySet().iterator().next();
        JsonValue body = o.members().get(key);
        if (VERDICTS.contains(key)) {
            return key;
        }
        return switch (key) {
            case "match" -> match(object(body, "{\"op\": ..., \"left\": ..., \"right\": ...}"));
            case "counter" -> counter(body);
            case "jump", "goto" -> value(item, List.of(Kind.PLAIN), Kind.PLAIN);
            case "vmap" -> {
                JsonValue.JsonObject m = object(body, "{\"key\": ..., \"data\": ...}");
                Typed k = selector(member(m, "key"));
                yield k.text() + " vmap " + value(member(m, "data"), k.kinds(), Kind.PLAIN);
            }
            case "notrack" -> "notrack";
            case "mangle" -> {
                JsonValue.JsonObject m = object(body, "{\"key\": ..., \"value\": ...}");
                Typed k = selector(member(m, "key"));
                JsonValue v = member(m, "value");
                String written = v instanceof JsonValue.JsonObject ? selectorOrValue(v, k.kinds())
                        : value(v, k.kinds(), Kind.PLAIN);
                yield k.text() + " set " + written;
            }
            case "log" -> log(body);
            case "limit" -> limit(object(body, "{\"rate\": N, \"per\": UNIT}"));
            case "quota" -> quota(object(body, "{\"val\": N, \"val_unit\": UNIT}"));
            case "ct count" -> {
                JsonValue.JsonObject c = object(body, "{\"val\": N}");
                yield "ct count " + (inverted(c) ? "over " : "") + NftJsonExpressions.numberMember(c, "val").value()
                        .toPlainString();
            }
            // iptables-nft's compat expression: nft -j gives its name only, as nft prints one it cannot translate
            case "xt" -> {
                JsonValue.JsonObject x = object(body, "{\"type\": \"match\"|\"target\", \"name\": ...}");
                yield "xt " + NftJsonExpressions.string(x, "type") + " " + NftJsonExpressions.string(x, "name");
            }
            case "reject" -> reject(body, family);
            case "dnat", "snat", "masquerade", "redirect" -> nat(key, body);
            case "set" -> setStatement(object(body, "{\"op\": ..., \"elem\": ..., \"set\": ...}"), family);
            case "meter" -> meter(object(body, "{\"name\": ..., \"key\": ..., \"stmt\": ...}"), family);
            default -> throw new Unrendered(item, "statement '" + key + "' is not rendered", STATEMENTS);
        };
    }

    private static String selectorOrValue(JsonValue v, List<Kind> kinds) throws Unrendered {
        try {
            return selector(v).text();
        } catch (Unrendered e) {
            return value(v, kinds, Kind.PLAIN);
        }
    }

    /** A relational expression: {@code ==} and {@code in} are implicit unless the left side is a binary operation. */
    private static String match(JsonValue.JsonObject m) throws Unrendered {
        String op = NftJsonExpressions.string(m, "op");
        JsonValue leftJson = member(m, "left");
        JsonValue right = member(m, "right");
        // tcp flags & (syn | ack) == syn, which nft prints as tcp flags syn / syn,ack
        if (op.equals("==") && leftJson instanceof JsonValue.JsonObject lo && lo.get("&").isPresent()
                && lo.get("&").get() instanceof JsonValue.JsonArray and && and.items().size() == 2
                && isFlags(and.items().get(1)) && isFlags(right)) {
            Typed flagged = selector(and.items().get(0));
            return flagged.text() + " " + value(right, List.of(Kind.PLAIN), Kind.PLAIN) + " / "
                    + value(and.items().get(1), List.of(Kind.PLAIN), Kind.PLAIN);
        }
        Typed left = selector(leftJson);
        String written = value(right, left.kinds(), Kind.PLAIN);
        boolean binop = leftJson instanceof JsonValue.JsonObject lo2 && lo2.members().size() == 1
                && NftJsonExpressions.BINOPS.contains(lo2.members().keySet().iterator().next());
        String shown = switch (op) {
            case "==" -> binop ? "== " : "";
            case "in" -> "";
            case "!=", "<", ">", "<=", ">=" -> op + " ";
            default -> throw new Unrendered(m.get("op").orElse(m), "operator '" + op + "' is not rendered",
                    "==, !=, <, >, <=, >= or in");
        };
        return left.text() + " " + shown + written;
    }

    /** A flag name or a list of them (not a number). */
    private static boolean isFlags(JsonValue v) {
        if (v instanceof JsonValue.JsonString) {
            return true;
        }
        return v instanceof JsonValue.JsonArray a && !a.items().isEmpty()
                && a.items().stream().allMatch(JsonValue.JsonString.class::isInstance);
    }

    private static String counter(JsonValue body) throws Unrendered {
        if (body instanceof JsonValue.JsonNull) {
            return "counter";
        }
        if (body instanceof JsonValue.JsonString name) {
            return "counter name " + quote(name.value());
        }
        JsonValue.JsonObject c = object(body, "{\"packets\": N, \"bytes\": N}");
        return "counter packets " + c.number("packets").orElse(0L) + " bytes " + c.number("bytes").orElse(0L);
    }

    /**
     * A set statement from the packet path, as nft prints it: {@code add|update|delete @name { KEY [timeout Ns]
     * [STATEMENT...] }} ({@code "elem"} is the key, or {@code {"elem": {"val": KEY, "timeout": N}}}; {@code "stmt"} the
     * stateful statements of a meter).
     */
    private static String setStatement(JsonValue.JsonObject s, NftFamily family) throws Unrendered {
        String op = NftJsonExpressions.string(s, "op");
        String set = NftJsonExpressions.string(s, "set");
        JsonValue elem = NftJsonExpressions.member(s, "elem");
        StringBuilder b = new StringBuilder(op).append(' ').append(set.startsWith("@") ? set : "@" + set).append(" { ");
        key(b, elem);
        if (s.get("stmt").orElse(null) instanceof JsonValue.JsonArray stmts) {
            for (JsonValue st : stmts.items()) {
                b.append(' ').append(statement(st, family));
            }
        }
        return b.append(" }").toString();
    }

    /**
     * A meter, as nft prints it: {@code meter NAME size N { KEY [timeout Ns] STATEMENT }} ({@code "key"} as a set
     * statement's {@code "elem"}, {@code "stmt"} one statement).
     */
    private static String meter(JsonValue.JsonObject m, NftFamily family) throws Unrendered {
        StringBuilder b = new StringBuilder("meter ").append(NftJsonExpressions.string(m, "name"));
        m.number("size").ifPresent(n -> b.append(" size ").append(n));
        b.append(" { ");
        key(b, NftJsonExpressions.member(m, "key"));
        JsonValue stmt = NftJsonExpressions.member(m, "stmt");
        for (JsonValue st : stmt instanceof JsonValue.JsonArray a ? a.items() : List.of(stmt)) {
            b.append(' ').append(statement(st, family));
        }
        return b.append(" }").toString();
    }

    /** A set statement's or meter's key: {@code KEY}, or {@code {"elem": {"val": KEY, "timeout": N}}} as KEY timeout Ns. */
    private static void key(StringBuilder b, JsonValue elem) throws Unrendered {
        if (elem instanceof JsonValue.JsonObject o && o.get("elem").isPresent()) {
            JsonValue.JsonObject inner = object(o.get("elem").get(), "{\"val\": KEY, \"timeout\": N}");
            b.append(selector(NftJsonExpressions.member(inner, "val")).text());
            inner.number("timeout").ifPresent(t -> b.append(" timeout ").append(t).append('s'));
        } else {
            b.append(selector(elem).text());
        }
    }

    /** {@code log [prefix "P"] [group N] [snaplen N] [queue-threshold N] [level L] [flags F]}, nft's order. */
    private static String log(JsonValue body) throws Unrendered {
        StringBuilder s = new StringBuilder("log");
        if (body instanceof JsonValue.JsonNull) {
            return s.toString();
        }
        JsonValue.JsonObject l = object(body, "{\"prefix\": ..., \"level\": ...}");
        l.string("prefix").ifPresent(p -> s.append(" prefix ").append(quote(p)));
        for (String k : List.of("group", "snaplen", "queue-threshold")) {
            l.number(k).ifPresent(n -> s.append(' ').append(k).append(' ').append(n));
        }
        l.string("level").ifPresent(v -> s.append(" level ").append(v));
        if (l.get("flags").isPresent()) {
            s.append(" flags ").append(flags(l.get("flags").get(), "log"));
        }
        return s.toString();
    }

    /**
     * {@code limit rate [over] N/UNIT [burst B packets]} or {@code limit rate [over] N BYTES/UNIT [burst B BYTES]}, as
     * nft prints them: a packet limit's burst of 5 (the default) and a byte limit's burst of 0 are not printed.
     */
    private static String limit(JsonValue.JsonObject l) throws Unrendered {
        String unit = l.string("rate_unit").filter(u -> !u.equals("packets")).map(u -> " " + u).orElse("");
        long burst = l.number("burst").orElse(unit.isEmpty() ? 5L : 0L);
        String burstUnit = unit.isEmpty() ? "packets" : l.string("burst_unit").orElse("bytes");
        String burstText = burst == 5 && unit.isEmpty() || burst == 0 ? "" : " burst " + burst + " " + burstUnit;
        return "limit rate " + (inverted(l) ? "over " : "") + NftJsonExpressions.numberMember(l, "rate").value()
                .toPlainString() + unit + "/" + NftJsonExpressions.string(l, "per") + burstText;
    }

    /** {@code quota [over] N UNIT [used M UNIT]}, as nft prints it (no {@code used} when none was consumed). */
    private static String quota(JsonValue.JsonObject q) throws Unrendered {
        StringBuilder s = new StringBuilder("quota ").append(inverted(q) ? "over " : "")
                .append(NftJsonExpressions.numberMember(q, "val").value().toPlainString()).append(' ')
                .append(q.string("val_unit").orElse("bytes"));
        long used = q.number("used").orElse(0L);
        if (used > 0) {
            s.append(" used ").append(used).append(' ').append(q.string("used_unit").orElse("bytes"));
        }
        return s.toString();
    }

    /** True when a stateful expression has {@code "inv": true} ({@code over}). */
    private static boolean inverted(JsonValue.JsonObject o) {
        return o.get("inv").filter(v -> v instanceof JsonValue.JsonBoolean b && b.value()).isPresent();
    }

    /** {@code reject [with tcp reset | with icmp|icmpv6|icmpx CODE]}; the family's default code is not printed. */
    private static String reject(JsonValue body, NftFamily family) throws Unrendered {
        if (body instanceof JsonValue.JsonNull) {
            return "reject";
        }
        JsonValue.JsonObject r = object(body, "{\"type\": ..., \"expr\": ...}");
        String type = r.string("type").orElse("icmpx");
        if (type.equals("tcp reset")) {
            return "reject with tcp reset";
        }
        String code = r.get("expr").isPresent() ? value(r.get("expr").get(), List.of(Kind.PLAIN), Kind.PLAIN)
                : "port-unreachable";
        boolean isDefault = code.equals("port-unreachable") && (type.equals("icmpx")
                || type.equals("icmp") && family == NftFamily.IP || type.equals("icmpv6") && family == NftFamily.IP6);
        return isDefault ? "reject" : "reject with " + type + " " + code;
    }

    /** {@code dnat|snat [ip|ip6] to ADDR[:PORT] [FLAGS]}, {@code masquerade|redirect [to :PORT] [FLAGS]}. */
    private static String nat(String key, JsonValue body) throws Unrendered {
        if (body instanceof JsonValue.JsonNull) {
            return key;
        }
        JsonValue.JsonObject n = object(body, "{\"addr\": ..., \"port\": ..., \"family\": ..., \"flags\": ...}");
        for (String member : n.members().keySet()) {
            if (!NAT_MEMBERS.contains(member)) {
                throw new Unrendered(n.get(member).get(), key + " member '" + member + "' is not rendered",
                        "family, addr, port, flags");
            }
        }
        StringBuilder s = new StringBuilder(key);
        n.string("family").ifPresent(f -> s.append(' ').append(f));
        String addr = n.get("addr").isPresent() ? selectorOrValue(n.get("addr").get(), List.of(Kind.PLAIN)) : "";
        String port = n.get("port").isPresent() ? value(n.get("port").get(), List.of(Kind.PLAIN), Kind.PLAIN) : "";
        if (!addr.isEmpty() || !port.isEmpty()) {
            boolean v6 = addr.contains(":") && !addr.contains(" ");
            s.append(" to ").append(v6 && !port.isEmpty() ? "[" + addr + "]" : addr)
                    .append(port.isEmpty() ? "" : ":" + port);
        }
        if (n.get("flags").isPresent()) {
            s.append(' ').append(flags(n.get("flags").get(), "NAT"));
        }
        return s.toString();
    }

    /** A statement's flags as nft prints them: one flag's name, or several joined by commas ({@code what}: log, NAT). */
    private static String flags(JsonValue flags, String what) throws Unrendered {
        if (flags instanceof JsonValue.JsonString f) {
            return f.value();
        }
        List<String> names = new ArrayList<>();
        for (JsonValue f : array(flags, "a list of " + what + " flags")) {
            names.add(NftJsonExpressions.string(f, "a " + what + " flag"));
        }
        return String.join(",", names);
    }
}
