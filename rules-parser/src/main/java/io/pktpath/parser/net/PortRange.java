package io.pktpath.parser.net;

import io.pktpath.parser.diag.InvalidValueException;

/**
 * An inclusive range of ports as iptables writes it: {@code 80}, {@code 1024:65535}, {@code :1023} (from 0) or
 * {@code 1024:} (to 65535); also accepts {@code a-b} as NAT targets write it.
 */
public record PortRange(int from, int to) {
    public static final PortRange ALL = new PortRange(0, 65535);

    public PortRange {
        if (from < 0 || to > 65535 || from > to) {
            throw new IllegalArgumentException("bad port range " + from + ":" + to);
        }
    }

    public static PortRange single(int port) {
        return new PortRange(port, port);
    }

    public boolean contains(int port) {
        return port >= from && port <= to;
    }

    public boolean isSingle() {
        return from == to;
    }

    /** Parses with {@code :} as the separator (match syntax). */
    public static PortRange parse(String text) throws InvalidValueException {
        return parse(text, ':');
    }

    /** Parses with the given separator ({@code :} for matches, {@code -} for NAT targets). */
    public static PortRange parse(String text, char separator) throws InvalidValueException {
        int sep = text.indexOf(separator);
        if (sep < 0) {
            int p = port(text, text);
            return new PortRange(p, p);
        }
        String a = text.substring(0, sep);
        String b = text.substring(sep + 1);
        int from = a.isEmpty() ? 0 : port(a, text);
        int to = b.isEmpty() ? 65535 : port(b, text);
        if (from > to) {
            throw new InvalidValueException("port range '" + text + "' runs backwards (" + from + " > " + to + ")",
                    "a port or range low" + separator + "high with low <= high, each 0-65535");
        }
        return new PortRange(from, to);
    }

    private static int port(String part, String whole) throws InvalidValueException {
        if (part.isEmpty() || part.length() > 5 || !Digits.only(part)) {
            throw new InvalidValueException("'" + whole + "' is not a port or port range",
                    "a port 0-65535 or a range such as 1024:65535");
        }
        int p = Integer.parseInt(part);
        if (p > 65535) {
            throw new InvalidValueException("port " + p + " in '" + whole + "' is above 65535", "a port 0-65535");
        }
        return p;
    }

    /** As iptables-save prints it: {@code 80} or {@code 1024:65535}. */
    @Override
    public String toString() {
        return isSingle() ? Integer.toString(from) : from + ":" + to;
    }

    /** With another separator, as NAT targets print ranges ({@code 8080-8090}). */
    public String toString(char separator) {
        return isSingle() ? Integer.toString(from) : from + "" + separator + to;
    }
}
