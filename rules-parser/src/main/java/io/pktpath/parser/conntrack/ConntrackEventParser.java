package io.pktpath.parser.conntrack;

import io.pktpath.parser.diag.LineError;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.diag.SourceSpan;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code conntrack -E} output with any of {@code -o timestamp}, {@code -o extended} and {@code -o id}: an
 * optional {@code [SECONDS.MICROS]} prefix, the event tag {@code [NEW]}, {@code [UPDATE]} or {@code [DESTROY]}, then the
 * entry in {@code conntrack -L}'s form (read by {@link ConntrackParser}), where {@code [DESTROY]} may add
 * {@code delta-time=N} and a user-space deletion {@code [USERSPACE] portid=N progname=X}. A bad line is one diagnostic
 * naming file, line and column; the other lines are kept.
 */
public final class ConntrackEventParser {
    /** The start of an event line: optional timestamp, then the event tag. */
    public static final Pattern EVENT_START = Pattern.compile("^\\s*(\\[(\\d+)\\.(\\d{1,9})\\]\\s+)?\\s*\\[(NEW|UPDATE|DESTROY)\\]\\s");
    private static final Pattern TIMESTAMP_ONLY = Pattern.compile("^\\s*\\[(\\d+)\\.(\\d{1,9})\\]\\s*");
    private static final Pattern USERSPACE = Pattern.compile("(?<=\\s)\\[USERSPACE\\](?=\\s|$)");

    private ConntrackEventParser() {
    }

    /** Parses one {@code conntrack -E} log; {@code fileName} names it in diagnostics. */
    public static Parsed<List<ConntrackEvent>> parse(String fileName, String text) {
        return ConntrackParser.parseLines(fileName, text, ConntrackEventParser::event);
    }

    private static ConntrackEvent event(String line, SourceSpan span) throws LineError {
        Matcher m = EVENT_START.matcher(line);
        if (!m.find()) {
            Matcher ts = TIMESTAMP_ONLY.matcher(line);
            int column = ts.find() ? ts.end() + 1 : firstNonBlank(line) + 1;
            throw new LineError("missing-event", "no event tag", "[NEW], [UPDATE] or [DESTROY] (conntrack -E), after an "
                    + "optional [SECONDS.MICROSECONDS] (-o timestamp)", column);
        }
        Optional<Long> micros = Optional.empty();
        if (m.group(1) != null) {
            long seconds = number(m.group(2), m.start(2) + 1);
            String fraction = (m.group(3) + "000000").substring(0, 6);
            if (seconds > Long.MAX_VALUE / 1_000_000L - 1) {
                throw new LineError("bad-number", "'" + m.group(2) + "' is too large for a timestamp",
                        "[SECONDS.MICROSECONDS]", m.start(2) + 1);
            }
            micros = Optional.of(seconds * 1_000_000L + Long.parseLong(fraction));
        }
        ConntrackEventType type = ConntrackEventType.valueOf(m.group(4));
        // blank what conntrack -L does not print, keeping every column where it was
        String rest = " ".repeat(m.end() - 1) + line.substring(m.end() - 1);
        Matcher u = USERSPACE.matcher(rest);
        boolean userspace = u.find();
        if (userspace) {
            rest = rest.substring(0, u.start()) + " ".repeat(u.end() - u.start()) + rest.substring(u.end());
        }
        boolean timeoutShown = timeoutShown(rest);
        ConntrackParser.EntryLine e = ConntrackParser.entry(rest, span, true);
        return new ConntrackEvent(type, micros, e.entry(), e.id(), timeoutShown, userspace);
    }

    /** Whether the word after the protocol number is a number (the timeout). */
    private static boolean timeoutShown(String rest) {
        String[] w = rest.strip().split("\\s+");
        int i = w.length > 0 && (w[0].equals("ipv4") || w[0].equals("ipv6")) ? 2 : 0;
        return w.length > i + 2 && !w[i + 2].isEmpty() && Character.isDigit(w[i + 2].charAt(0));
    }

    private static long number(String digits, int column) throws LineError {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new LineError("bad-number", "'" + digits + "' is not a timestamp", "[SECONDS.MICROSECONDS]", column);
        }
    }

    private static int firstNonBlank(String line) {
        int i = 0;
        while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        return i;
    }
}
