package io.pktpath.parser.conntrack;

import io.pktpath.parser.diag.LineError;
import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.net.IpAddress;

import java.util.Optional;

/** Collects the {@code key=value} words of one conntrack tuple. */
final class TupleBuilder {
    private Optional<IpAddress> src = Optional.empty();
    private Optional<IpAddress> dst = Optional.empty();
    private Optional<Integer> sport = Optional.empty();
    private Optional<Integer> dport = Optional.empty();
    private Optional<Integer> type = Optional.empty();
    private Optional<Integer> code = Optional.empty();
    private Optional<Integer> id = Optional.empty();
    private Optional<Long> packets = Optional.empty();
    private Optional<Long> bytes = Optional.empty();

    /** Takes a tuple key; false when the key does not belong to a tuple. */
    boolean accept(String key, String value, int column) throws LineError {
        switch (key) {
            case "src" -> src = Optional.of(address(value, column));
            case "dst" -> dst = Optional.of(address(value, column));
            case "sport" -> sport = Optional.of((int) number(value, column, 65535));
            case "dport" -> dport = Optional.of((int) number(value, column, 65535));
            case "type" -> type = Optional.of((int) number(value, column, 255));
            case "code" -> code = Optional.of((int) number(value, column, 255));
            case "id" -> id = Optional.of((int) number(value, column, 65535));
            case "packets" -> packets = Optional.of(number(value, column, Long.MAX_VALUE));
            case "bytes" -> bytes = Optional.of(number(value, column, Long.MAX_VALUE));
            case "srckey", "dstkey" -> number(value, column, 0xffffffffL);
            default -> {
                return false;
            }
        }
        return true;
    }

    boolean hasIcmpId() {
        return id.isPresent();
    }

    boolean complete() {
        return src.isPresent() && dst.isPresent();
    }

    Tuple build() {
        return new Tuple(src.orElseThrow(), dst.orElseThrow(), sport, dport, type, code, id, packets, bytes);
    }

    private static IpAddress address(String value, int column) throws LineError {
        try {
            return IpAddress.parse(value);
        } catch (InvalidValueException e) {
            throw new LineError("bad-address", e.getMessage(), e.expected(), column);
        }
    }

    static long number(String value, int column, long max) throws LineError {
        try {
            long v = value.startsWith("0x") ? Long.parseUnsignedLong(value.substring(2), 16) : Long.parseLong(value);
            if (v >= 0 && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new LineError("bad-number", "'" + value + "' is not a number in 0-" + max, "a number 0-" + max,
                column);
    }
}
