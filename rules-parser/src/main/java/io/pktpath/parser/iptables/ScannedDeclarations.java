package io.pktpath.parser.iptables;

import java.util.Map;

/**
 * One table's chain declarations as {@link TableSections#scan} finds them; when built from the dump's lines, the map of
 * names is made only if a question needs it, and the number of declaration lines the scan would read lets a
 * {@link TableBuilder} that has declared every one of them answer from its own chains instead.
 */
final class ScannedDeclarations {
    private final String[] lines;
    private final int headerLine;
    private final Names names;
    /** The 1-based line the scan stops at (exclusive), or 0 for a map given up front. */
    private final int end;
    /** The declaration lines the scan reads, or -1 for a map given up front. */
    private final int count;
    private Map<String, Integer> map;

    /** The declarations of the table whose header is on 1-based {@code headerLine}; names are shared through {@code names}. */
    ScannedDeclarations(String[] lines, int headerLine, Names names) {
        this.lines = lines;
        this.headerLine = headerLine;
        this.names = names;
        int n = headerLine;
        int found = 0;
        for (; n < lines.length && !TableSections.ends(lines[n]); n++) {
            if (lines[n].startsWith(":")) {
                found++;
            }
        }
        this.end = n + 1;
        this.count = found;
    }

    /** Declarations already scanned into {@code map}. */
    ScannedDeclarations(Map<String, Integer> map) {
        this.lines = null;
        this.headerLine = 0;
        this.names = null;
        this.end = 0;
        this.count = -1;
        this.map = map;
    }

    /** The scanned name-to-line map, made now if it was not yet. */
    Map<String, Integer> map() {
        if (map == null) {
            map = TableSections.scan(lines, headerLine, names);
        }
        return map;
    }

    /** True if the map was given up front and is {@code scanned}. */
    boolean isGiven(Map<String, Integer> scanned) {
        return count < 0 && map == scanned;
    }

    /** The number of declaration lines the scan reads, or -1 if that is not known (a map given up front). */
    int count() {
        return count;
    }

    /** True if 1-based {@code line} is one the scan reads as a declaration and finds {@code chain} declared on it. */
    boolean scans(int line, String chain) {
        if (count < 0 || line <= headerLine || line >= end) {
            return false;
        }
        String l = lines[line - 1];
        if (!l.startsWith(":")) {
            return false;
        }
        int sp = l.indexOf(' ');
        return sp < 0 ? l.substring(1).strip().equals(chain) : sp - 1 == chain.length() && l.startsWith(chain, 1);
    }
}
