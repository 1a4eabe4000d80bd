package io.pktpath.parser.iproute;

import io.pktpath.parser.json.JsonValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One {@code ip -j rule} object as the words of its {@code ip rule} text line, in the order iproute2 prints both
 * ({@code {"priority":100,"not":null,"src":"10.1.0.0","srclen":24,"table":"custom"}} is
 * {@code 100:\tnot from 10.1.0.0/24 lookup custom}), each word remembering the JSON value it came from.
 */
final class RuleJsonWords {
    /** The members iproute2 6.x prints for a rule (ip -j [-d] rule). */
    static final Set<String> MEMBERS = Set.of("priority", "not", "src", "srclen", "dst", "dstlen", "tos", "fwmark",
            "fwmask", "iif", "iif_detached", "oif", "oif_detached", "l3mdev", "uid_start", "uid_end", "tun_id",
            "ipproto", "sport", "sport_start", "sport_end", "dport", "dport_start", "dport_end", "table",
            "suppress_prefixlen", "suppress_ifgroup", "flow_from", "flow_to", "goto", "unresolved", "nop", "action",
            "protocol");
    /** Members printed as part of another member's words (the length after its prefix, the end after its start). */
    private static final Set<String> PARTS = Set.of("srclen", "dstlen", "fwmask", "uid_end", "sport_end", "dport_end");

    private final List<Token> tokens = new ArrayList<>();
    private final List<JsonValue> sources = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();

    private RuleJsonWords() {
    }

    /** The words of {@code o}; {@code priority} comes first whatever its place in the object. */
    static RuleJsonWords of(JsonValue.JsonObject o) {
        RuleJsonWords w = new RuleJsonWords();
        o.get("priority").ifPresent(p -> w.add(scalar(p) + ":", p));
        for (Map.Entry<String, JsonValue> m : o.members().entrySet()) {
            if (!m.getKey().equals("priority") && !PARTS.contains(m.getKey())) {
                w.member(o, m.getKey(), m.getValue());
            }
        }
        return w;
    }

    private void member(JsonValue.JsonObject o, String key, JsonValue v) {
        switch (key) {
            case "not", "nop" -> add(key, v);
            case "iif_detached", "oif_detached" -> add("[detached]", v);
            case "unresolved" -> add("[unresolved]", v);
            case "l3mdev" -> add("lookup", v).add("[l3mdev-table]", v);
            case "action" -> add(scalar(v), v);
            case "src" -> add("from", v).add(scalar(v) + part(o, "srclen", "/"), v);
            case "dst" -> add("to", v).add(scalar(v) + part(o, "dstlen", "/"), v);
            case "fwmark" -> add("fwmark", v).add(scalar(v) + part(o, "fwmask", "/"), v);
            case "uid_start" -> add("uidrange", v).add(scalar(v) + part(o, "uid_end", "-"), v);
            case "sport_start" -> add("sport", v).add(scalar(v) + part(o, "sport_end", "-"), v);
            case "dport_start" -> add("dport", v).add(scalar(v) + part(o, "dport_end", "-"), v);
            case "table" -> add("lookup", v).add(scalar(v), v);
            case "protocol" -> add("proto", v).add(scalar(v), v);
            case "suppress_prefixlen" -> add("suppress_prefixlength", v).add(scalar(v), v);
            case "flow_from" -> {
                if (o.get("flow_to").isEmpty()) {
                    add("realms", v).add(scalar(v), v);
                }
            }
            case "flow_to" -> add("realms", v).add(o.get("flow_from").map(f -> scalar(f) + "/").orElse("") + scalar(v), v);
            default -> add(key, v).add(scalar(v), v);
        }
    }

    private static String part(JsonValue.JsonObject o, String key, String separator) {
        return o.get(key).map(p -> separator + scalar(p)).orElse("");
    }

    /** A string or number as written; other values as a word no reader accepts, so that they are reported. */
    private static String scalar(JsonValue v) {
        if (v instanceof JsonValue.JsonString s) {
            return s.value();
        }
        if (v instanceof JsonValue.JsonNumber n) {
            return n.value().toPlainString();
        }
        return "<" + v.getClass().getSimpleName().replace("Json", "").toLowerCase(java.util.Locale.ROOT) + ">";
    }

    private RuleJsonWords add(String word, JsonValue source) {
        if (!text.isEmpty()) {
            text.append(tokens.size() == 1 ? '\t' : ' ');
        }
        tokens.add(new Token(word, text.length() + 1));
        sources.add(source);
        text.append(word);
        return this;
    }

    List<Token> tokens() {
        return List.copyOf(tokens);
    }

    /** The text line iproute2 prints for the same rule. */
    String text() {
        return text.toString();
    }

    /** The JSON value the word at {@code column} of {@link #text()} came from; empty past the last word. */
    Optional<JsonValue> sourceAt(int column) {
        for (int i = tokens.size() - 1; i >= 0; i--) {
            if (tokens.get(i).column() <= column && column <= text.length()) {
                return Optional.of(sources.get(i));
            }
        }
        return Optional.empty();
    }
}
