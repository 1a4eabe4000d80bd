package io.pktpath.parser.nft;

import io.pktpath.parser.json.JsonValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Writes one expression of libnftables' JSON ({@code payload}, {@code meta}, {@code ct}, {@code fib}, {@code numgen},
 * binary operations, concatenations, sets, prefixes, ranges, map lookups, verdicts and plain values) as
 * {@code nft list ruleset} prints it, typed values too: a mark in hex ({@code 0x00000010}), an interface name quoted.
 */
final class NftJsonExpressions {
    /** How a value is printed, which the selector it is compared with (or the set's type) decides. */
    enum Kind {
        PLAIN, MARK, QUOTED
    }

    /** What a rendered selector prints its values as. */
    record Typed(String text, List<Kind> kinds) {
        Kind kind() {
            return kinds.size() == 1 ? kinds.get(0) : Kind.PLAIN;
        }
    }

    /** An expression the renderer does not know: {@code at} is where, {@code expected} what it would have read. */
    static final class Unrendered extends Exception {
        private final transient JsonValue at;
        private final String expected;

        Unrendered(JsonValue at, String message, String expected) {
            super(message, null, false, false);
            this.at = at;
            this.expected = expected;
        }

        JsonValue at() {
            return at;
        }

        String expected() {
            return expected;
        }
    }

    /** meta keys nft prints without {@code meta} (meta_key_is_unqualified). */
    private static final Set<String> UNQUALIFIED = Set.of("iif", "oif", "iifname", "oifname", "iifgroup", "oifgroup");
    private static final Set<String> QUOTED_META = Set.of("iif", "oif", "iifname", "oifname", "ibrname", "obrname", "iifkind",
            "oifkind", "bri_iifname", "bri_oifname");
    private static final Set<String> QUOTED_TYPES = Set.of("ifname", "string");
    private static final Set<String> VERDICTS = Set.of("accept", "drop", "continue", "return", "queue");
    /** The binary operations, written between their operands as the JSON names them. */
    static final Set<String> BINOPS = Set.of("&", "|", "^", "<<", ">>");
    static final String SELECTORS = "payload, meta, ct, fib, numgen, concat, a binary operation (&, |, ^, <<, >>), a map"
            + " lookup or a value";

    private NftJsonExpressions() {
    }

    /** A selector (the left side of a match, a map's key, a mangle's target) and how its values print. */
    static Typed selector(JsonValue v) throws Unrendered {
        if (v instanceof JsonValue.JsonObject o && o.members().size() == 1) {
            String key = o.members().keySet().iterator().next();
            JsonValue body = o.members().get(key);
            switch (key) {
                case "payload":
                    return new Typed(payload(object(body, "a payload object")), List.of(Kind.PLAIN));
                case "meta": {
                    String k = string(object(body, "{\"key\": ...}"), "key");
                    Kind kind = k.equals("mark") ? Kind.MARK : QUOTED_META.contains(k) ? Kind.QUOTED : Kind.PLAIN;
                    return new Typed(UNQUALIFIED.contains(k) ? k : "meta " + k, List.of(kind));
                }
                case "ct":
                    return ct(object(body, "{\"key\": ...}"));
                case "fib":
                    return new Typed(fib(object(body, "{\"result\": ..., \"flags\": [...]}")), List.of(Kind.PLAIN));
                case "numgen":
                    return new Typed(numgen(object(body, "{\"mode\": ..., \"mod\": N}")), List.of(Kind.PLAIN));
                case "concat": {
                    List<String> parts = new ArrayList<>();
                    List<Kind> kinds = new ArrayList<>();
                    for (JsonValue item : array(body, "a list of selectors")) {
                        Typed t = selector(item);
                        parts.add(t.text());
                        kinds.addAll(t.kinds());
                    }
                    return new Typed(String.join(" . ", parts), List.copyOf(kinds));
                }
                case "map": {
                    JsonValue.JsonObject m = object(body, "{\"key\": ..., \"data\": ...}");
                    Typed k = selector(member(m, "key"));
                    return new Typed(k.text() + " map " + value(member(m, "data"), k.kinds(), Kind.PLAIN),
                            List.of(Kind.PLAIN));
                }
                default:
                    if (BINOPS.contains(key)) {
                        List<JsonValue> sides = array(body, "[left, right]");
                        if (sides.size() != 2) {
                            throw new Unrendered(body, "binary operation '" + key + "' without two operands",
                                    "[left, right]");
                        }
                        Typed left = selector(sides.get(0));
                        return new Typed(left.text() + " " + key + " " + operand(sides.get(1), left.kind()), left.kinds());
                    }
            }
            throw new Unrendered(v, "expression '" + key + "' is not rendered", SELECTORS);
        }
        throw new Unrendered(v, "not an expression object", SELECTORS);
    }

    /** A value as its kind prints it; a set, prefix, range, concatenation, verdict or map element pair as nft writes it. */
    static String value(JsonValue v, List<Kind> kinds, Kind dataKind) throws Unrendered {
        Kind kind = kinds.size() == 1 ? kinds.get(0) : Kind.PLAIN;
        if (v instanceof JsonValue.JsonString s) {
            return s.value().startsWith("@") ? s.value() : kind == Kind.QUOTED ? quote(s.value()) : s.value();
        }
        if (v instanceof JsonValue.JsonNumber n) {
            return number(n, kind);
        }
        if (v instanceof JsonValue.JsonBoolean b) {
            return b.value() ? "exists" : "missing";
        }
        if (v instanceof JsonValue.JsonArray a) {
            // a list of flags (ct state established,related) or, in a set, a map element [key, data]
            List<String> items = new ArrayList<>();
            for (JsonValue item : a.items()) {
                items.add(value(item, kinds, dataKind));
            }
            return String.join(",", items);
        }
        if (v instanceof JsonValue.JsonObject o && o.members().size() == 1) {
            String key = o.members().keySet().iterator().next();
            JsonValue body = o.members().get(key);
            switch (key) {
                case "set": {
                    List<String> items = new ArrayList<>();
                    for (JsonValue item : body instanceof JsonValue.JsonArray ? array(body, "") : List.of(body)) {
                        items.add(element(item, kinds, dataKind));
                    }
                    return "{ " + String.join(", ", items) + " }";
                }
                case "prefix": {
                    JsonValue.JsonObject p = object(body, "{\"addr\": ..., \"len\": N}");
                    return value(member(p, "addr"), kinds, dataKind) + "/" + number(numberMember(p, "len"), Kind.PLAIN);
                }
                case "range": {
                    List<JsonValue> ends = array(body, "[low, high]");
                    if (ends.size() != 2) {
                        throw new Unrendered(body, "range without two ends", "[low, high]");
                    }
                    return value(ends.get(0), kinds, dataKind) + "-" + value(ends.get(1), kinds, dataKind);
                }
                case "concat": {
                    List<String> parts = new ArrayList<>();
                    List<JsonValue> items = array(body, "a list of values");
                    for (int i = 0; i < items.size(); i++) {
                        Kind k = i < kinds.size() ? kinds.get(i) : Kind.PLAIN;
                        parts.add(value(items.get(i), List.of(k), dataKind));
                    }
                    return String.join(" . ", parts);
                }
                case "elem": {
                    JsonValue.JsonObject e = object(body, "{\"val\": ...}");
                    String comment = e.string("comment").map(c -> " comment " + quote(c)).orElse("");
                    return value(member(e, "val"), kinds, dataKind) + comment;
                }
                case "jump", "goto":
                    return key + " " + string(object(body, "{\"target\": CHAIN}"), "target");
                default:
                    if (VERDICTS.contains(key)) {
                        return key;
                    }
                    return selector(v).text();
            }
        }
        throw new Unrendered(v, "value not rendered", "a string, number, set, prefix, range, concat or verdict");
    }

    /** One element of a set: a value, or a map element {@code [key, data]} written {@code key : data}. */
    static String element(JsonValue item, List<Kind> kinds, Kind dataKind) throws Unrendered {
        if (item instanceof JsonValue.JsonArray pair && pair.items().size() == 2) {
            return value(pair.items().get(0), kinds, dataKind) + " : "
                    + value(pair.items().get(1), List.of(dataKind), dataKind);
        }
        return value(item, kinds, dataKind);
    }

    /** The right operand of a binary operation: a list of flags is written {@code (syn | ack)}. */
    private static String operand(JsonValue v, Kind kind) throws Unrendered {
        if (v instanceof JsonValue.JsonArray a) {
            List<String> items = new ArrayList<>();
            for (JsonValue item : a.items()) {
                items.add(value(item, List.of(kind), Kind.PLAIN));
            }
            return "(" + String.join(" | ", items) + ")";
        }
        return value(v, List.of(kind), Kind.PLAIN);
    }

    static String number(JsonValue.JsonNumber n, Kind kind) {
        if (kind == Kind.MARK && n.asLong().isPresent()) {
            return String.format("0x%08x", n.asLong().get());
        }
        return n.value().toPlainString();
    }

    /** How a set's or map's type prints its elements ({@code mark} in hex, {@code ifname} quoted). */
    static Kind kindOfType(String type) {
        return type.equals("mark") ? Kind.MARK : QUOTED_TYPES.contains(type) ? Kind.QUOTED : Kind.PLAIN;
    }

    /** {@code "s"}; a quote inside becomes {@code '}, as the text reader takes a quote to open or close quoted text. */
    static String quote(String s) {
        return "\"" + s.replace('"', '\'') + "\"";
    }

    private static String payload(JsonValue.JsonObject p) throws Unrendered {
        if (p.get("protocol").isPresent()) {
            return string(p, "protocol") + " " + string(p, "field");
        }
        return "@" + string(p, "base") + "," + number(numberMember(p, "offset"), Kind.PLAIN) + ","
                + number(numberMember(p, "len"), Kind.PLAIN);
    }

    private static Typed ct(JsonValue.JsonObject c) throws Unrendered {
        String key = string(c, "key");
        StringBuilder s = new StringBuilder("ct");
        if (c.string("dir").isPresent()) {
            s.append(' ').append(c.string("dir").get());
        }
        if (c.string("family").isPresent()) {
            s.append(' ').append(c.string("family").get());
        }
        s.append(' ').append(key);
        return new Typed(s.toString(), List.of(key.equals("mark") ? Kind.MARK : Kind.PLAIN));
    }

    private static String fib(JsonValue.JsonObject f) throws Unrendered {
        List<String> flags = new ArrayList<>();
        JsonValue fl = f.get("flags").orElse(null);
        if (fl instanceof JsonValue.JsonString s) {
            flags.add(s.value());
        } else if (fl != null) {
            for (JsonValue item : array(fl, "a list of flags")) {
                flags.add(string(item, "a flag"));
            }
        }
        return "fib " + String.join(" . ", flags) + " " + string(f, "result");
    }

    private static String numgen(JsonValue.JsonObject g) throws Unrendered {
        long offset = g.number("offset").orElse(0L);
        return "numgen " + string(g, "mode") + " mod " + number(numberMember(g, "mod"), Kind.PLAIN)
                + (offset != 0 ? " offset " + offset : "");
    }

    static JsonValue.JsonObject object(JsonValue v, String expected) throws Unrendered {
        if (v instanceof JsonValue.JsonObject o) {
            return o;
        }
        throw new Unrendered(v, "not an object", expected);
    }

    static List<JsonValue> array(JsonValue v, String expected) throws Unrendered {
        if (v instanceof JsonValue.JsonArray a) {
            return a.items();
        }
        throw new Unrendered(v, "not an array", expected);
    }

    static JsonValue member(JsonValue.JsonObject o, String key) throws Unrendered {
        return o.get(key).orElseThrow(() -> new Unrendered(o, "member '" + key + "' missing", "\"" + key + "\": ..."));
    }

    static String string(JsonValue.JsonObject o, String key) throws Unrendered {
        return string(member(o, key), "\"" + key + "\": a string");
    }

    static String string(JsonValue v, String expected) throws Unrendered {
        if (v instanceof JsonValue.JsonString s) {
            return s.value();
        }
        throw new Unrendered(v, "not a string", expected);
    }

    static JsonValue.JsonNumber numberMember(JsonValue.JsonObject o, String key) throws Unrendered {
        JsonValue v = member(o, key);
        if (v instanceof JsonValue.JsonNumber n) {
            return n;
        }
        throw new Unrendered(v, "member '" + key + "' is not a number", "\"" + key + "\": N");
    }
}
