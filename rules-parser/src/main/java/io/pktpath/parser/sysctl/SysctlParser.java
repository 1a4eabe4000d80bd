package io.pktpath.parser.sysctl;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Diagnostics;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.diag.SourceSpan;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Parses {@code sysctl -a} output and sysctl.conf-style files (sysctl(8), sysctl.d(5)): {@code name = value} or
 * {@code name=value}, names dotted or as {@code /proc/sys/...} paths (also {@code path:value} as {@code grep -r . /proc/sys}
 * prints); {@code #}/{@code ;} comments and blank lines are skipped, {@code sysctl: ...} error lines become notes.
 */
public final class SysctlParser {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_./:@+-]*");
    private static final String PROC = "/proc/sys/";

    private SysctlParser() {
    }

    public static Parsed<Sysctls> parse(String fileName, String text) {
        String[] lines = text.split("\r?\n", -1);
        Diagnostics diags = new Diagnostics();
        Map<String, String> values = new TreeMap<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith(";")) {
                continue;
            }
            SourceSpan span = SourceSpan.line(fileName, i + 1);
            if (t.startsWith("sysctl: ")) {
                diags.add(Diagnostic.note("sysctl-message", "sysctl reported: " + t.substring(8), span));
                continue;
            }
            int sep = separator(t);
            String name = sep < 0 ? t : t.substring(0, sep).strip();
            if (sep < 0 || !NAME.matcher(name.startsWith(PROC) ? name.substring(PROC.length()) : name).matches()) {
                int column = line.indexOf(t.charAt(0)) + 1;
                diags.error("bad-sysctl-line", "not a sysctl assignment: '" + t + "'",
                        "name = value, such as net.ipv4.ip_forward = 1", span.atColumn(column), line);
                continue;
            }
            values.put(normalizeName(name), t.substring(sep + 1).strip().replaceAll("\\s+", " "));
        }
        return new Parsed<>(new Sysctls(values), diags.toList());
    }

    /** The index of {@code =}, or of {@code :} for a {@code /proc/sys/...:value} line; -1 when there is none. */
    private static int separator(String t) {
        int eq = t.indexOf('=');
        if (eq >= 0) {
            return eq;
        }
        return t.startsWith(PROC) ? t.indexOf(':') : -1;
    }

    /** Dotted form; a {@code /proc/sys} path has its dots (inside interface names) turned into slashes and vice versa. */
    static String normalizeName(String name) {
        if (!name.startsWith(PROC) && !name.startsWith("net/") && !name.startsWith("kernel/")) {
            return name;
        }
        String path = name.startsWith(PROC) ? name.substring(PROC.length()) : name;
        StringBuilder sb = new StringBuilder(path.length());
        for (char ch : path.toCharArray()) {
            sb.append(ch == '/' ? '.' : ch == '.' ? '/' : ch);
        }
        return sb.toString();
    }
}
