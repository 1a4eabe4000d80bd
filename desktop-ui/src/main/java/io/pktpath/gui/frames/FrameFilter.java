package io.pktpath.gui.frames;

import io.pktpath.core.trace.Disposition;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;

/**
 * What the filter bar asks for: an address (source or destination, exact or prefix like {@code 10.244.}), a port
 * (source or destination), a protocol name, a disposition, and free text searched in every column; empty parts match all.
 */
public record FrameFilter(String address, OptionalInt port, String protocol, Optional<Disposition> disposition,
                          String text) implements Predicate<FrameRow> {
    /** The filter that lets every row through. */
    public static final FrameFilter ALL = new FrameFilter("", OptionalInt.empty(), "", Optional.empty(), "");

    public FrameFilter {
        address = Objects.requireNonNull(address, "address").strip();
        Objects.requireNonNull(port, "port");
        protocol = Objects.requireNonNull(protocol, "protocol").strip().toLowerCase(Locale.ROOT);
        Objects.requireNonNull(disposition, "disposition");
        text = Objects.requireNonNull(text, "text").strip().toLowerCase(Locale.ROOT);
    }

    /** A filter from the bar's raw field texts; a port that is not a number 0..65535 is reported by {@link #portError}. */
    public static FrameFilter of(String address, String port, String protocol, Optional<Disposition> disposition,
                                 String text) {
        return new FrameFilter(address, parsePort(port), protocol, disposition, text);
    }

    /** Why {@code port} is not a port, or empty when it is one (or blank). */
    public static Optional<String> portError(String port) {
        String p = port.strip();
        if (p.isEmpty() || parsePort(p).isPresent()) {
            return Optional.empty();
        }
        return Optional.of("port \"" + p + "\" is not a number from 0 to 65535");
    }

    private static OptionalInt parsePort(String port) {
        String p = port.strip();
        if (p.isEmpty() || p.length() > 5 || !p.chars().allMatch(Character::isDigit)) {
            return OptionalInt.empty();
        }
        int value = Integer.parseInt(p);
        return value <= 65535 ? OptionalInt.of(value) : OptionalInt.empty();
    }

    @Override
    public boolean test(FrameRow row) {
        if (!address.isEmpty() && !row.src().startsWith(address) && !row.dst().startsWith(address)) {
            return false;
        }
        if (port.isPresent() && row.sport() != port.getAsInt() && row.dport() != port.getAsInt()) {
            return false;
        }
        if (!protocol.isEmpty() && !row.protocol().equals(protocol)) {
            return false;
        }
        if (disposition.isPresent() && row.disposition() != disposition.get()) {
            return false;
        }
        return text.isEmpty() || searchable(row).contains(text);
    }

    private static String searchable(FrameRow row) {
        return String.join("\u0001", Long.toString(row.frame()), row.iface(), row.dir(), row.sourceText(),
                row.destinationText(), row.protocol(), row.info(), row.dispositionText()).toLowerCase(Locale.ROOT);
    }
}
