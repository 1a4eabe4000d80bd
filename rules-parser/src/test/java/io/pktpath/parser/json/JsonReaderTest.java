package io.pktpath.parser.json;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonReaderTest {
    @Test
    void readsEveryValueKindWithPositions() throws Exception {
        JsonValue v = JsonReader.read("[\n  {\"a\": 1, \"b\": [true, false, null], \"s\": \"x\\ty\\u00e9\\\"\", \"f\": -1.25e0}\n]");
        JsonValue.JsonArray arr = (JsonValue.JsonArray) v;
        JsonValue.JsonObject o = (JsonValue.JsonObject) arr.items().get(0);
        assertEquals(2, o.line());
        assertEquals(3, o.column());
        assertEquals(Optional.of(1L), o.number("a"));
        assertEquals(List.of("a", "b", "s", "f"), List.copyOf(o.members().keySet()));
        assertEquals(Optional.of("x\ty\u00e9\""), o.string("s"));
        assertEquals(new BigDecimal("-1.25e0"), ((JsonValue.JsonNumber) o.get("f").orElseThrow()).value());
        assertEquals(3, o.array("b").size());
        assertTrue(o.array("b").get(2) instanceof JsonValue.JsonNull);
        assertEquals(Optional.empty(), o.number("f"));
    }

    @Test
    void syntaxErrorsCarryLineColumnAndExpectation() {
        JsonSyntaxException e = assertThrows(JsonSyntaxException.class, () -> JsonReader.read("{\"a\": 1,\n \"b\" 2}"));
        assertEquals("expected ':'", e.getMessage());
        assertEquals(2, e.line());
        assertEquals(6, e.column());
        JsonSyntaxException trailing = assertThrows(JsonSyntaxException.class, () -> JsonReader.read("[] x"));
        assertEquals("unexpected text after the JSON value", trailing.getMessage());
        JsonSyntaxException num = assertThrows(JsonSyntaxException.class, () -> JsonReader.read("[01]"));
        assertEquals("unexpected character '0'", num.getMessage());
        JsonSyntaxException deep = assertThrows(JsonSyntaxException.class, () -> JsonReader.read("[".repeat(300)));
        assertEquals("JSON nested deeper than 256", deep.getMessage());
    }
}
