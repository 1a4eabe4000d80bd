package io.pktpath.parser.json;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small strict JSON reader (RFC 8259) that records where every value starts; enough for {@code ip -j} output. */
public final class JsonReader {
    private static final int MAX_DEPTH = 256;
    private final String text;
    private int pos;
    private int line = 1;
    private int lineStart;

    private JsonReader(String text) {
        this.text = text;
    }

    /** Reads one JSON document; trailing text other than whitespace is an error. */
    public static JsonValue read(String text) throws JsonSyntaxException {
        JsonReader r = new JsonReader(text);
        r.skipWhitespace();
        JsonValue v = r.value(0);
        r.skipWhitespace();
        if (r.pos < text.length()) {
            throw r.error("unexpected text after the JSON value", "end of input");
        }
        return v;
    }

    private JsonSyntaxException error(String message, String expected) {
        return new JsonSyntaxException(message, expected, line, pos - lineStart + 1);
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                line++;
                lineStart = pos + 1;
            } else if (c != ' ' && c != '\t' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private JsonValue value(int depth) throws JsonSyntaxException {
        if (depth > MAX_DEPTH) {
            throw error("JSON nested deeper than " + MAX_DEPTH, "a shallower document");
        }
        if (pos >= text.length()) {
            throw error("unexpected end of input", "a JSON value");
        }
        int l = line;
        int c = pos - lineStart + 1;
        char ch = text.charAt(pos);
        return switch (ch) {
            case '{' -> object(depth, l, c);
            case '[' -> array(depth, l, c);
            case '"' -> new JsonValue.JsonString(string(), l, c);
            case 't' -> literal("true", new JsonValue.JsonBoolean(true, l, c));
            case 'f' -> literal("false", new JsonValue.JsonBoolean(false, l, c));
            case 'n' -> literal("null", new JsonValue.JsonNull(l, c));
            default -> number(l, c);
        };
    }

    private JsonValue literal(String word, JsonValue v) throws JsonSyntaxException {
        if (!text.startsWith(word, pos)) {
            throw error("bad literal", word);
        }
        pos += word.length();
        return v;
    }

    private JsonValue object(int depth, int l, int c) throws JsonSyntaxException {
        pos++;
        Map<String, JsonValue> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return new JsonValue.JsonObject(members, l, c);
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a member name", "a string in double quotes");
            }
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            members.put(key, value(depth + 1));
            skipWhitespace();
            char next = peek();
            pos++;
            if (next == '}') {
                return new JsonValue.JsonObject(members, l, c);
            }
            if (next != ',') {
                pos--;
                throw error("expected ',' or '}' in object", "',' or '}'");
            }
        }
    }

    private JsonValue array(int depth, int l, int c) throws JsonSyntaxException {
        pos++;
        List<JsonValue> items = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return new JsonValue.JsonArray(items, l, c);
        }
        while (true) {
            skipWhitespace();
            items.add(value(depth + 1));
            skipWhitespace();
            char next = peek();
            pos++;
            if (next == ']') {
                return new JsonValue.JsonArray(items, l, c);
            }
            if (next != ',') {
                pos--;
                throw error("expected ',' or ']' in array", "',' or ']'");
            }
        }
    }

    private char peek() throws JsonSyntaxException {
        if (pos >= text.length()) {
            throw error("unexpected end of input", "more JSON");
        }
        return text.charAt(pos);
    }

    private void expect(char ch) throws JsonSyntaxException {
        if (peek() != ch) {
            throw error("expected '" + ch + "'", "'" + ch + "'");
        }
        pos++;
    }

    private String string() throws JsonSyntaxException {
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            char ch = peek();
            pos++;
            if (ch == '"') {
                return sb.toString();
            }
            if (ch < 0x20) {
                pos--;
                throw error("control character in string", "an escaped character such as \\n");
            }
            if (ch != '\\') {
                sb.append(ch);
                continue;
            }
            char esc = peek();
            pos++;
            switch (esc) {
                case '"', '\\', '/' -> sb.append(esc);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> sb.append(unicodeEscape());
                default -> {
                    pos--;
                    throw error("bad escape '\\" + esc + "'", "one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
                }
            }
        }
    }

    private char unicodeEscape() throws JsonSyntaxException {
        if (pos + 4 > text.length()) {
            throw error("truncated \\u escape", "four hex digits");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(text.charAt(pos + i), 16);
            if (d < 0) {
                throw error("bad \\u escape", "four hex digits");
            }
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    private JsonValue number(int l, int c) throws JsonSyntaxException {
        int start = pos;
        if (pos < text.length() && text.charAt(pos) == '-') {
            pos++;
        }
        while (pos < text.length() && "0123456789.eE+-".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
        String s = text.substring(start, pos);
        if (s.isEmpty() || s.equals("-") || !s.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
            pos = start;
            throw error("unexpected character '" + text.charAt(start) + "'", "a JSON value");
        }
        return new JsonValue.JsonNumber(new BigDecimal(s), l, c);
    }
}
