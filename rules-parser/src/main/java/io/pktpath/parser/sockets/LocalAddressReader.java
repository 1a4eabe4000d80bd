package io.pktpath.parser.sockets;

import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.diag.LineError;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import java.util.Optional;

/**
 * Reads ss's {@code Local Address:Port} column: {@code 0.0.0.0:80}, {@code [::]:15006}, {@code *:22},
 * {@code 127.0.0.53%lo:53}, {@code [fe80::1]%eth0:546}, {@code [::ffff:1.2.3.4]:80}, and older ss's {@code :::22}.
 */
final class LocalAddressReader {
    private static final String EXPECTED = "ADDRESS:PORT such as 0.0.0.0:80, [::]:443, *:22 or 127.0.0.53%lo:53";

    private LocalAddressReader() {
    }

    record Endpoint(LocalBinding binding, int port) {
    }

    static Endpoint read(String text, int column) throws LineError {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new LineError("bad-socket-address", "no ':PORT' in local address '" + text + "'", EXPECTED, column);
        }
        int port = port(text.substring(colon + 1), column + colon + 1);
        String host = text.substring(0, colon);
        Optional<String> device = Optional.empty();
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0) {
                throw new LineError("bad-socket-address", "unclosed '[' in local address '" + text + "'", EXPECTED, column);
            }
            device = device(host.substring(close + 1), text, column);
            host = host.substring(1, close);
        }
        int percent = host.indexOf('%');
        if (percent >= 0) {
            device = Optional.of(host.substring(percent + 1));
            host = host.substring(0, percent);
        }
        return new Endpoint(binding(host, device, text, column), port);
    }

    private static Optional<String> device(String suffix, String text, int column) throws LineError {
        if (suffix.isEmpty()) {
            return Optional.empty();
        }
        if (!suffix.startsWith("%") || suffix.length() == 1) {
            throw new LineError("bad-socket-address", "unexpected '" + suffix + "' after ']' in '" + text + "'", EXPECTED,
                    column);
        }
        return Optional.of(suffix.substring(1));
    }

    private static LocalBinding binding(String host, Optional<String> device, String text, int column) throws LineError {
        switch (host) {
            case "*":
                return LocalBinding.wildcard(Optional.empty(), device);
            case "0.0.0.0":
                return LocalBinding.wildcard(Optional.of(IpFamily.V4), device);
            case "::":
                return LocalBinding.wildcard(Optional.of(IpFamily.V6), device);
            default:
                try {
                    return LocalBinding.specific(IpAddress.parse(host), device);
                } catch (InvalidValueException e) {
                    throw new LineError("bad-socket-address", "'" + host + "' in '" + text + "' is not an address: "
                            + e.getMessage(), EXPECTED, column);
                }
        }
    }

    private static int port(String text, int column) throws LineError {
        if (!text.isEmpty() && text.length() <= 5 && text.chars().allMatch(Character::isDigit)) {
            int port = Integer.parseInt(text);
            if (port <= 65535) {
                return port;
            }
        }
        throw new LineError("bad-socket-port", "local port '" + text + "' is not a number 0-65535",
                "a numeric port (ss -n)", column);
    }
}
