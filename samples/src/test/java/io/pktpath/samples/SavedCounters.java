package io.pktpath.samples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A recorded bundle's rule counters as the kernel kept them, read from its {@code iptables-save -c} after the traffic. */
final class SavedCounters {
    private static final Pattern COUNTER = Pattern.compile("^\\[(\\d+):\\d+\\] (-A .*)$");

    private SavedCounters() {
    }

    /**
     * The packet counter of the first rule of {@code table} whose text contains {@code part}, in {@code bundle}'s
     * iptables-save-c-after.txt (the counters were zeroed before the traffic).
     */
    static long packets(Path bundle, String table, String part) throws IOException {
        boolean in = false;
        for (String line : Files.readAllLines(bundle.resolve("iptables-save-c-after.txt"))) {
            in = line.startsWith("*") ? line.equals("*" + table) : in;
            Matcher m = COUNTER.matcher(line);
            if (in && m.find() && m.group(2).contains(part)) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("no " + table + " rule with " + part + " in " + bundle.resolve("iptables-save-c-after.txt"));
    }
}
