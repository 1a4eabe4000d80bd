package io.pktpath.parser.conntrack;

import io.pktpath.parser.diag.LineError;
import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Diagnostics;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.net.IpFamily;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parses {@code conntrack -L} output (conntrack(8)) and {@code /proc/net/nf_conntrack} lines (which start with
 * {@code ipv4 2}/{@code ipv6 10}): {@code PROTO NUM TIMEOUT [STATE] ORIGINAL-TUPLE [UNREPLIED] REPLY-TUPLE [ASSURED]
 * mark=N [secctx=..] [zone=N] use=N}. A line without both tuples or with a malformed value is one diagnostic.
 */
public final class ConntrackParser {
    private static final Set<String> IGNORED_KEYS = Set.of("id", "labels", "helper", "delta-time", "timestamp", "nat",
            "zone-orig", "zone-reply", "portid", "progname");

    private ConntrackParser() {
    }

    public static Parsed<List<ConntrackEntry>> parse(String fileName, String text) {
        return parseLines(fileName, text, ConntrackParser::entry);
    }

    /** Reads one line of a conntrack listing into a value, or says why it cannot. */
    @FunctionalInterface
    interface LineReader<T> {
        T read(String line, SourceSpan span) throws LineError;
    }

    /**
     * Every non-blank line of a {@code conntrack} output read by {@code reader}: the tool's closing summary
     * ({@code conntrack v1.4.7 (conntrack-tools): N flow entries have been shown.}) is a note, a line the reader
     * refuses is an error diagnostic at its column, and the other lines are kept.
     */
    static <T> Parsed<List<T>> parseLines(String fileName, String text, LineReader<T> reader) {
        String[] lines = text.split("\r?\n", -1);
        Diagnostics diags = new Diagnostics();
        List<T> out = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String t = line.strip();
            if (t.isEmpty()) {
                continue;
            }
            SourceSpan span = SourceSpan.line(fileName, i + 1);
            if (t.startsWith("conntrack v")) {
                diags.add(Diagnostic.note("conntrack-summary", t, span));
                continue;
            }
            try {
                out.add(reader.read(line, span));
            } catch (LineError e) {
                diags.error(e.code(), e.getMessage(), e.expected(), span.atColumn(e.column()), line);
            }
        }
        return new Parsed<>(List.copyOf(out), diags.toList());
    }

    private static ConntrackEntry entry(String line, SourceSpan span) throws LineError {
        return entry(line, span, false).entry();
    }

    /**
     * One line's entry and its {@code id=} (conntrack's entry id, {@code -o id}); for an event line ({@code conntrack
     * -E}, its tag already blanked) the timeout may be absent, and is then 0.
     */
    static EntryLine entry(String line, SourceSpan span, boolean event) throws LineError {
        List<Word> words = Word.split(line);
        if (words.isEmpty()) {
            throw new LineError("missing-tuple", "line ends before the tuples (truncated?)",
                    "PROTO NUM [TIMEOUT] [STATE] src=... dst=... src=... dst=...", line.length() + 1);
        }
        int i = 0;
        Optional<IpFamily> family = Optional.empty();
        if (words.get(0).text().equals("ipv4") || words.get(0).text().equals("ipv6")) {
            family = Optional.of(words.get(0).text().equals("ipv4") ? IpFamily.V4 : IpFamily.V6);
            i = 2;
        }
        if (words.size() < i + (event ? 3 : 4)) {
            throw new LineError("missing-tuple", "line ends before the tuples (truncated?)",
                    "PROTO NUM TIMEOUT [STATE] src=... dst=... src=... dst=...", line.length() + 1);
        }
        String protocol = words.get(i).text();
        int protoNumber = (int) TupleBuilder.number(words.get(i + 1).text(), words.get(i + 1).column(), 255);
        long timeout = 0;
        String third = words.get(i + 2).text();
        if (event && !third.isEmpty() && !Character.isDigit(third.charAt(0))) {
            i += 2;
        } else {
            timeout = TupleBuilder.number(third, words.get(i + 2).column(), Long.MAX_VALUE);
            i += 3;
        }
        if (i >= words.size()) {
            throw new LineError("missing-tuple", "line ends before the tuples (truncated?)",
                    "src=... dst=... src=... dst=...", line.length() + 1);
        }
        Optional<String> state = Optional.empty();
        if (!words.get(i).text().contains("=") && !words.get(i).text().startsWith("[")) {
            state = Optional.of(words.get(i).text());
            i++;
        }
        return rest(words, i, line, span, new Head(family, protocol, protoNumber, timeout, state));
    }

    /** The fields before the tuples. */
    private record Head(Optional<IpFamily> family, String protocol, int protoNumber, long timeout, Optional<String> state) {
    }

    /** A parsed line: the entry and conntrack's entry id when the line shows it. */
    record EntryLine(ConntrackEntry entry, Optional<Long> id) {
    }

    private static EntryLine rest(List<Word> words, int start, String line, SourceSpan span, Head head)
            throws LineError {
        Optional<Long> entryIdValue = Optional.empty();
        TupleBuilder original = new TupleBuilder();
        TupleBuilder reply = new TupleBuilder();
        int srcSeen = 0;
        Set<String> flags = new TreeSet<>();
        long mark = 0;
        Optional<Integer> zone = Optional.empty();
        Optional<Integer> use = Optional.empty();
        Optional<String> secctx = Optional.empty();
        for (int i = start; i < words.size(); i++) {
            Word w = words.get(i);
            String t = w.text();
            if (t.startsWith("[") && t.endsWith("]")) {
                flags.add(t.substring(1, t.length() - 1));
                continue;
            }
            int eq = t.indexOf('=');
            if (eq < 0) {
                throw new LineError("unknown-keyword", "unexpected word '" + t + "'", "key=value or [FLAG]", w.column());
            }
            String key = t.substring(0, eq);
            String value = t.substring(eq + 1);
            int valueColumn = w.column() + eq + 1;
            if (key.equals("src")) {
                srcSeen++;
            }
            TupleBuilder target = srcSeen <= 1 ? original : reply;
            boolean entryId = key.equals("id") && (!head.protocol().startsWith("icmp") || target.hasIcmpId());
            if (srcSeen <= 2 && !entryId && target.accept(key, value, valueColumn)) {
                continue;
            }
            if (key.equals("id")) {
                entryIdValue = Optional.of(TupleBuilder.number(value, valueColumn, 0xffffffffL));
                continue;
            }
            switch (key) {
                case "mark" -> mark = TupleBuilder.number(value, valueColumn, 0xffffffffL);
                case "zone" -> zone = Optional.of((int) TupleBuilder.number(value, valueColumn, 65535));
                case "use" -> use = Optional.of((int) TupleBuilder.number(value, valueColumn, Integer.MAX_VALUE));
                case "secctx" -> secctx = Optional.of(value);
                default -> {
                    if (!IGNORED_KEYS.contains(key)) {
                        throw new LineError("unknown-keyword", "unknown conntrack key '" + key + "'",
                                "a tuple key (src, dst, sport, dport, type, code, id, packets, bytes) or mark, zone, use, "
                                        + "secctx", w.column());
                    }
                }
            }
        }
        if (!original.complete() || !reply.complete()) {
            throw new LineError("missing-tuple", "entry lacks its " + (original.complete() ? "reply" : "original")
                    + " tuple", "an original and a reply tuple, each with src= and dst=", line.length() + 1);
        }
        Tuple o = original.build();
        IpFamily family = head.family().orElse(o.src().family());
        return new EntryLine(new ConntrackEntry(family, head.protocol(), head.protoNumber(), head.timeout(), head.state(),
                o, reply.build(), flags, mark, zone, use, secctx, span, line.strip()), entryIdValue);
    }

    /** A word and its 1-based column. */
    private record Word(String text, int column) {
        static List<Word> split(String line) {
            List<Word> out = new ArrayList<>();
            int i = 0;
            int n = line.length();
            while (i < n) {
                while (i < n && Character.isWhitespace(line.charAt(i))) {
                    i++;
                }
                int s = i;
                while (i < n && !Character.isWhitespace(line.charAt(i))) {
                    i++;
                }
                if (i > s) {
                    out.add(new Word(line.substring(s, i), s + 1));
                }
            }
            return out;
        }
    }
}
