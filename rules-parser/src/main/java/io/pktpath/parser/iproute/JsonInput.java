package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.Diagnostics;
import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.json.JsonReader;
import io.pktpath.parser.json.JsonSyntaxException;
import io.pktpath.parser.json.JsonValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads an {@code ip -j} document (a JSON array of objects) and reports syntax or shape errors as diagnostics. */
final class JsonInput {
    private JsonInput() {
    }

    /** The top-level objects, or an empty list after one diagnostic when the text is not a JSON array. */
    static List<JsonValue.JsonObject> objects(String fileName, String text, Diagnostics diags) {
        JsonValue root;
        try {
            root = JsonReader.read(text);
        } catch (JsonSyntaxException e) {
            diags.error("bad-json", e.getMessage(), e.expected(), new SourceSpan(fileName, e.line(), e.column()),
                    lineAt(text, e.line()));
            return List.of();
        }
        if (!(root instanceof JsonValue.JsonArray array)) {
            diags.error("bad-json", "top-level JSON value is not an array", "the [ ... ] that ip -j prints",
                    new SourceSpan(fileName, root.line(), root.column()), lineAt(text, root.line()));
            return List.of();
        }
        List<JsonValue.JsonObject> out = new ArrayList<>();
        for (JsonValue v : array.items()) {
            if (v instanceof JsonValue.JsonObject o) {
                out.add(o);
            } else {
                diags.error("bad-json", "array item is not an object", "{ ... }", new SourceSpan(fileName, v.line(),
                        v.column()), lineAt(text, v.line()));
            }
        }
        return out;
    }

    static String lineAt(String text, int line) {
        String[] lines = text.split("\r?\n", -1);
        return line >= 1 && line <= lines.length ? lines[line - 1] : "";
    }

    static SourceSpan span(String fileName, JsonValue v) {
        return new SourceSpan(fileName, v.line(), v.column());
    }

    /** The string items of an array member ({@code "flags": ["UP", ...]}). */
    static List<String> strings(JsonValue.JsonObject o, String key) {
        List<String> out = new ArrayList<>();
        for (JsonValue v : o.array(key)) {
            if (v instanceof JsonValue.JsonString s) {
                out.add(s.value());
            }
        }
        return out;
    }

    static boolean flag(JsonValue.JsonObject o, String key) {
        Optional<JsonValue> v = o.get(key);
        return v.isPresent() && !(v.get() instanceof JsonValue.JsonBoolean b && !b.value());
    }
}
