package io.pktpath.parser.iptables;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A quick pre-scan of a dump's lines: the table each rule line would belong to (by its {@code *table} header and
 * {@code COMMIT}), and each table's chain declaration lines. It is a guess that the reader of the dump later confirms.
 */
final class TableSections {
    static final Set<String> TABLES = Set.of("raw", "mangle", "nat", "filter", "security");

    /** One table: its name and its chain declarations. */
    record Section(String table, Map<String, Integer> declarations) {
    }

    private final String[] lines;
    private final Section[] sectionOf;
    private final Map<Integer, Map<String, Integer>> declarations = new HashMap<>();

    /** Scans {@code lines}; chain names are shared through {@code names}. */
    TableSections(String[] lines, Names names) {
        this.lines = lines;
        this.sectionOf = new Section[lines.length];
        Section table = null;
        for (int n = 0; n < lines.length; n++) {
            String l = lines[n];
            int first = firstNonBlank(l);
            char c = first < l.length() ? l.charAt(first) : ' ';
            if (c == '*') {
                String name = l.substring(first + 1).strip();
                table = null;
                if (TABLES.contains(name)) {
                    Map<String, Integer> found = scan(lines, n + 1, names);
                    declarations.put(n + 1, found);
                    table = new Section(name, found);
                }
            } else if (table != null && (c == '-' || c == '[')) {
                sectionOf[n] = table;
            } else if (c == 'C' && l.strip().equals("COMMIT")) {
                table = null;
            }
        }
    }

    /** The table the rule line at 0-based {@code index} belongs to if the guess holds, else null. */
    Section sectionOf(int index) {
        return sectionOf[index];
    }

    /**
     * The declarations of the table whose header is on 1-based line {@code headerLine}, as {@link #scan} finds them;
     * {@code names} shares the names of a table scanned now.
     */
    Map<String, Integer> declarations(int headerLine, Names names) {
        Map<String, Integer> found = declarations.get(headerLine);
        return found != null ? found : scan(lines, headerLine, names);
    }

    /** The chain declarations of the table starting after {@code headerLine}, first declaration wins. */
    static Map<String, Integer> scan(String[] lines, int headerLine, Names names) {
        Map<String, Integer> found = new HashMap<>();
        for (int n = headerLine; n < lines.length; n++) {
            String l = lines[n];
            if (ends(l)) {
                break;
            }
            if (l.startsWith(":")) {
                int sp = l.indexOf(' ');
                String name = sp < 0 ? names.share(l.substring(1).strip()) : names.share(l, 1, sp, Names.hash(l, 1, sp));
                found.putIfAbsent(name, n + 1);
            }
        }
        return found;
    }

    /** True if the scan of a table's declarations stops at line {@code l}. */
    static boolean ends(String l) {
        return l.startsWith("COMMIT") || l.startsWith("*");
    }

    static int firstNonBlank(String l) {
        int first = 0;
        while (first < l.length() && (l.charAt(first) == ' ' || l.charAt(first) == '\t')) {
            first++;
        }
        return first;
    }
}
