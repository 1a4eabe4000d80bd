package io.pktpath.parser.bundle;

import io.pktpath.parser.diag.Diagnostics;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.diag.SourceSpan;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the kernel release from {@code uname -r} ({@code 6.1.0-27-amd64}), {@code uname -a}
 * ({@code Linux node1 6.1.0-27-amd64 #1 SMP ...}) or {@code /proc/version} ({@code Linux version 6.1.0-27-amd64 (...)}).
 */
public final class KernelVersionParser {
    private static final Pattern RELEASE = Pattern.compile("(\\d{1,9})\\.(\\d{1,9})(?:\\.(\\d{1,9}))?[-+.~_A-Za-z0-9]*");
    private static final Pattern PROC_VERSION = Pattern.compile("^Linux version (\\S+)");
    private static final Pattern UNAME_A = Pattern.compile("^Linux \\S+ (\\S+) ");

    private KernelVersionParser() {
    }

    public static Parsed<Optional<KernelVersion>> parse(String fileName, String text) {
        Diagnostics diags = new Diagnostics();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            Optional<KernelVersion> v = fromLine(line);
            if (v.isEmpty()) {
                diags.error("bad-kernel-version", "no kernel release in '" + line + "'",
                        "uname -r output such as 6.1.0-27-amd64, uname -a or /proc/version",
                        SourceSpan.line(fileName, i + 1).atColumn(1), lines[i]);
            }
            return new Parsed<>(v, diags.toList());
        }
        diags.error("bad-kernel-version", "empty file", "uname -r output such as 6.1.0-27-amd64",
                SourceSpan.line(fileName, 0), "");
        return new Parsed<>(Optional.empty(), diags.toList());
    }

    /** The release in one line of uname -r, uname -a or /proc/version output. */
    static Optional<KernelVersion> fromLine(String line) {
        String release = line;
        Matcher m = PROC_VERSION.matcher(line);
        if (m.find()) {
            release = m.group(1);
        } else {
            Matcher a = UNAME_A.matcher(line);
            if (a.find()) {
                release = a.group(1);
            }
        }
        Matcher r = RELEASE.matcher(release);
        if (!r.matches()) {
            return Optional.empty();
        }
        int patch = r.group(3) == null ? 0 : Integer.parseInt(r.group(3));
        return Optional.of(new KernelVersion(Integer.parseInt(r.group(1)), Integer.parseInt(r.group(2)), patch, release));
    }
}
