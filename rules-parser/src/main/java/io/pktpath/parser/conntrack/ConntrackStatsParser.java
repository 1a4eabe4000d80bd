package io.pktpath.parser.conntrack;

import io.pktpath.parser.diag.LineError;
import io.pktpath.parser.diag.Diagnostics;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.diag.SourceSpan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Parses {@code conntrack -S} output (conntrack(8)): one {@code cpu=N found=N invalid=N ... clash_resolve=N} line per CPU. */
public final class ConntrackStatsParser {
    private ConntrackStatsParser() {
    }

    public static Parsed<ConntrackStats> parse(String fileName, String text) {
        String[] lines = text.split("\r?\n", -1);
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
