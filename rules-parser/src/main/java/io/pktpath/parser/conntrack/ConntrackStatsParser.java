package io.pktpath.parser.conntrack;

import io.pktpath.parser.diag.LineError;
import io.pktpath.parser.diag.Diagnostics;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.diag.SourceSpan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parses {@code conntrack -S} output (conntrack(8)): one {@code cpu=N found=N invalid=N ... clash_resolve=N} line per
 * CPU; or the kernel's {@code /proc/net/stat/nf_conntrack} (which an sosreport copies): a header of column names, then
 * one row of hexadecimal counters per CPU (row N is CPU N), read under conntrack -S's names ({@code clashres} is {@code clash_resolve},
 * {@code icmp_error} {@code error}, {@code chainlength} {@code chaintoolong}; {@code entries}, the table's size, is
 * not a per-CPU counter and is left out).
 */
public final class ConntrackStatsParser {
    /** The /proc columns whose conntrack -S names differ. */
    private static final Map<String, String> PROC_NAMES = Map.of("clashres", "clash_resolve", "icmp_error", "error",
            "chainlength", "chaintoolong");

    private ConntrackStatsParser() {
    }

    /** True when {@code firstLine} is the header of {@code /proc/net/stat/nf_conntrack}. */
    public static boolean isProcHeader(String firstLine) {
        String t = firstLine.strip();
        return t.startsWith("entries ") && t.contains(" insert_failed ") && t.contains(" drop ");
    }

    public static Parsed<ConntrackStats> parse(String fileName, String text) {
        String[] lines = text.split("\r?\n", -1);
        int first = 0;
        while (first < lines.length && lines[first].isBlank()) {
            first++;
        }
        if (first < lines.length && isProcHeader(lines[first])) {
            return parseProc(fileName, lines, first);
        }
        Diagnostics diags = new Diagnostics();
        List<ConntrackStats.CpuCounters> cpus = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                continue;
            }
            SourceSpan span = SourceSpan.line(fileName, i + 1);
            try {
                cpus.add(cpuLine(line));
            } catch (LineError e) {
                diags.error(e.code(), e.getMessage(), e.expected(), span.atColumn(e.column()), line);
            }
        }
        return new Parsed<>(new ConntrackStats(cpus), diags.toList());
    }

    private static Parsed<ConntrackStats> parseProc(String fileName, String[] lines, int header) {
        Diagnostics diags = new Diagnostics();
        String[] names = lines[header].strip().split("\\s+");
        List<ConntrackStats.CpuCounters> cpus = new ArrayList<>();
        int cpu = -1;
        for (int i = header + 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                continue;
            }
            cpu++;
            SourceSpan span = SourceSpan.line(fileName, i + 1);
            String[] values = line.strip().split("\\s+");
            if (values.length != names.length) {
                diags.error("bad-stats-line", "a row of " + values.length + " values under " + names.length
                        + " columns", names.length + " hexadecimal counters, one per column of line " + (header + 1),
                        span.atColumn(1), line);
                continue;
            }
            Map<String, Long> counters = new TreeMap<>();
            try {
                for (int c = 0; c < names.length; c++) {
                    if (!names[c].equals("entries")) {
                        counters.put(PROC_NAMES.getOrDefault(names[c], names[c]), Long.parseUnsignedLong(values[c], 16));
                    }
                }
            } catch (NumberFormatException e) {
                diags.error("bad-stats-line", "a counter that is not hexadecimal in " + line.strip(),
                        "hexadecimal counters such as 0000001a", span.atColumn(1), line);
                continue;
            }
            cpus.add(new ConntrackStats.CpuCounters(cpu, counters));
        }
        return new Parsed<>(new ConntrackStats(cpus), diags.toList());
    }

    private static ConntrackStats.CpuCounters cpuLine(String line) throws LineError {
        Map<String, Long> counters = new TreeMap<>();
        int cpu = -1;
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
            if (i == s) {
                break;
            }
            String w = line.substring(s, i);
            int eq = w.indexOf('=');
            if (eq <= 0) {
                throw new LineError("bad-stats-line", "expected name=value, found '" + w + "'",
                        "cpu=N name=value ...", s + 1);
            }
            long v = TupleBuilder.number(w.substring(eq + 1), s + eq + 2, Long.MAX_VALUE);
            if (w.startsWith("cpu=")) {
                cpu = (int) v;
            } else {
                counters.put(w.substring(0, eq), v);
            }
        }
        if (cpu < 0) {
            throw new LineError("bad-stats-line", "statistics line without cpu=N", "cpu=N name=value ...", 1);
        }
        return new ConntrackStats.CpuCounters(cpu, counters);
    }
}
