package io.pktpath.parser.json;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A JSON value (RFC 8259) with the 1-based line and column where it starts, as {@link JsonReader} reads it. */
public sealed interface JsonValue {
    int line();

    int column();

    /** An object; member order is kept as written. */
    record JsonObject(Map<String, JsonValue> members, int line, int column) implements JsonValue {
        public JsonObject {
            members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
        }

        public Optional<JsonValue> get(String key) {
            return Optional.ofNullable(members.get(key));
        }

        /** A string member, or empty when absent or not a string. */
        public Optional<String> string(String key) {
            return get(key).filter(JsonString.class::isInstance).map(v -> ((JsonString) v).value());
        }

        /** An integral number member, or empty when absent or not an integral number. */
        public Optional<Long> number(String key) {
            return get(key).filter(JsonNumber.class::isInstance).flatMap(v -> ((JsonNumber) v).asLong());
        }

        /** An array member (empty list when absent or not an array). */
        public List<JsonValue> array(String key) {
            return get(key).filter(JsonArray.class::isInstance).map(v -> ((JsonArray) v).items()).orElse(List.of());
        }
    }

    /** An array, items in order. */
    record JsonArray(List<JsonValue> items, int line, int column) implements JsonValue {
        public JsonArray {
            items = List.copyOf(items);
        }
    }

    /** A string with its escapes decoded. */
    record JsonString(String value, int line, int column) implements JsonValue {
        public JsonString {
            Objects.requireNonNull(value, "value");
        }
    }

    /** A number, kept exact. */
    record JsonNumber(BigDecimal value, int line, int column) implements JsonValue {
        public JsonNumber {
            Objects.requireNonNull(value, "value");
        }

        public Optional<Long> asLong() {
            try {
                return Optional.of(value.longValueExact());
            } catch (ArithmeticException e) {
                return Optional.empty();
            }
        }
    }

    /** {@code true} or {@code false}. */
    record JsonBoolean(boolean value, int line, int column) implements JsonValue {
    }

    /** {@code null} (ip -j prints flags such as {@code router} this way). */
    record JsonNull(int line, int column) implements JsonValue {
    }
}
