package io.pktpath.parser.iptables;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.diag.Severity;
import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.iptables.model.Counters;
import io.pktpath.parser.iptables.model.Policy;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.model.Table;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads a whole dump line by line (semantics §10.1); one instance per parse. With more than two cores a large dump's
 * rule lines are read ahead on the others ({@link LinePrefetcher}); the result is the same as reading them here.
 */
final class DumpParser {
    /** Dumps with fewer lines are read on the calling thread only. */
    static final int PARALLEL_LINES = 16_384;
    private static final int CHUNK = 1024;
    private static final int MAX_HELPERS = 3;
    /** The counters of a chain line as iptables-save without {@code -c} writes them, with the space before them. */
    private static final String ZERO_COUNTERS = " [0:0]";

    private final String file;
    private final String[] lines;
    private final ParseOptions options;
    private final AddressReader addresses;
    private final boolean familyGiven;
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private final List<Table> tables = new ArrayList<>();
    private final List<Rule> skipped = new ArrayList<>();
    private final CommandApplier commands;
    private int errors;
    private Optional<String> generator = Optional.empty();
    private boolean legacy;
    private TableBuilder current;
    private boolean skippingTable;
    private final TableSections sections;
    private final LinePrefetcher prefetcher;
    private int readAhead;
    private final Names names;
    private final LineTokens chainTokens;

    DumpParser(String file, String text, Optional<IpFamily> family, ParseOptions options) {
        this(file, text, family, options, defaultHelpers(), CHUNK, PARALLEL_LINES);
    }

    /**
     * Reads chunks of {@code chunk} rule lines ahead if the dump has at least {@code minLines} lines and {@code helpers}
     * is not negative: on {@code helpers} helper threads and on this one (0 helpers: this thread only, deterministic).
     */
    DumpParser(String file, String text, Optional<IpFamily> family, ParseOptions options, int helpers, int chunk,
               int minLines) {
        this.file = file;
        this.lines = lines(text);
        this.names = new Names();
        this.chainTokens = new LineTokens(names);
        this.options = options;
        this.addresses = new AddressReader(family);
        this.familyGiven = family.isPresent();
        this.commands = new CommandApplier(this, addresses, names);
        boolean ahead = helpers >= 0 && lines.length >= minLines && !options.failOnFirstError();
        this.sections = ahead ? new TableSections(lines, names) : null;
        this.prefetcher = ahead ? new LinePrefetcher(file, lines, sections, family, helpers, chunk) : null;
    }

    /**
     * One helper per core beyond two that this process may use ({@link Runtime#availableProcessors()}, which follows
     * taskset and cgroup limits), at most {@link #MAX_HELPERS}; none, and no reading ahead, on one or two cores: while
     * one thread parses, the collector and the compiler keep most of a second core busy (on the 30,000-service dump
     * the process used 0.8-1.5 s of CPU besides the parsing thread's 1.1-1.8 s), so a helper there gains nothing.
     */
    static int defaultHelpers() {
        int helpers = Math.min(MAX_HELPERS, Runtime.getRuntime().availableProcessors() - 2);
        return helpers > 0 ? helpers : -1;
    }

    /**
     * {@code text.split("\n", -1)}, found in one pass over the text: a first run in a fresh JVM scans with code its quick
     * compiler made, where each pass over a 50 MB dump costs about 50 ms.
     */
    static String[] lines(String text) {
        int[] breaks = new int[Math.max(16, text.length() >>> 6)];
        int count = 0;
        for (int at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) {
            if (count == breaks.length) {
                breaks = Arrays.copyOf(breaks, count * 2);
            }
            breaks[count++] = at;
        }
        String[] lines = new String[count + 1];
        int start = 0;
        for (int n = 0; n < count; n++) {
            lines[n] = text.substring(start, breaks[n]);
            start = breaks[n] + 1;
        }
        lines[count] = count == 0 ? text : text.substring(start);
        return lines;
    }

    /** Line {@code n} (0-based) without its line break. */
    static String lineText(String[] lines, int n) {
        return lines[n].endsWith("\r") ? lines[n].substring(0, lines[n].length() - 1) : lines[n];
    }

    Parsed<Ruleset> run() {
        try {
            return readAll();
        } finally {
            if (prefetcher != null) {
                prefetcher.close();
            }
        }
    }

    private Parsed<Ruleset> readAll() {
        for (int n = 0; n < lines.length; n++) {
            line(n + 1, lineText(lines, n));
            if (options.failOnFirstError() && errors > 0) {
                return new Parsed<>(Ruleset.empty(family()), diagnostics);
            }
        }
        if (current != null) {
            int last = lines.length > 1 && lines[lines.length - 1].isEmpty() ? lines.length - 1 : lines.length;
            String lastText = lines[last - 1];
            error(IptCode.IPT004, new SourceSpan(file, last, lastText.length() + 1), lastText,
                    "input ends inside table '" + current.name() + "' (opened on line " + current.span().line()
                            + ") without COMMIT; the file looks truncated", "COMMIT");
            tables.add(current.build());
            if (options.failOnFirstError()) {
                return new Parsed<>(Ruleset.empty(family()), diagnostics);
            }
        }
        return new Parsed<>(new Ruleset(family(), tables, legacy, skipped, generator), diagnostics);
    }

    /** How many rule lines were taken as read ahead (the others were read on this thread). */
    int linesReadAhead() {
        return readAhead;
    }

    IpFamily family() {
        return addresses.family().orElse(IpFamily.V4);
    }

    void error(IptCode code, SourceSpan span, String lineText, String message, String expected) {
        errors++;
        diagnostics.add(Diagnostic.error(code.name(), message, expected, span, lineText));
    }

    void warn(IptCode code, SourceSpan span, String lineText, String message, String expected) {
        diagnostics.add(Diagnostic.warning(code.name(), message, expected, span, lineText));
    }

    void note(IptCode code, SourceSpan span, String lineText, String message) {
        diagnostics.add(new Diagnostic(Severity.NOTE, code.name(), message, "", span, lineText));
    }

    String file() {
        return file;
    }

    TableBuilder current() {
        return current;
    }

    void skip(Rule rule) {
        skipped.add(rule);
    }

    private void line(int number, String text) {
        int first = 0;
        while (first < text.length() && (text.charAt(first) == ' ' || text.charAt(first) == '\t')) {
            first++;
        }
        if (first == text.length()) {
            return;
        }
        char c = text.charAt(first);
        if ((c == '-' || c == '[') && !skippingTable && current != null) {
            ruleLine(number, first + 1, text);
            return;
        }
        SourceSpan at = new SourceSpan(file, number, first + 1);
        if (c == '#') {
            comment(at, text, text.substring(first));
        } else if (c == '*') {
            header(at, text, text.substring(first + 1).strip());
        } else if (skippingTable) {
            skippingTable = !text.strip().equals("COMMIT");
        } else if (text.strip().equals("COMMIT")) {
            commit(at, text);
        } else if (current == null) {
            error(IptCode.IPT002, at, text, "this line is outside a table", "a *table header (such as *filter) first");
        } else if (c == ':') {
            chainLine(at, text);
        } else {
            error(IptCode.IPT014, at, text, "unrecognized line",
                    "a comment (#), *table, :CHAIN POLICY [p:b], a rule (-A ...) or COMMIT");
        }
    }

    /**
     * Rule line {@code number}, starting at {@code column}: its prefetched reading if that was read against this table,
     * family and declarations, else read now.
     */
    private void ruleLine(int number, int column, String text) {
        SourceSpan line = SourceSpan.line(file, number);
        LinePrefetcher.Prefetched ahead = prefetcher == null ? null : prefetcher.take(number - 1);
        if (ahead != null && ahead.table().equals(current.name()) && addresses.family().isPresent()
                && addresses.family().get() == prefetcher.family() && ahead.questions().agrees(current)) {
            readAhead++;
            commands.ruleLine(line, column, text, ahead.outcome());
        } else {
            commands.ruleLine(line, column, text);
        }
    }

    private void comment(SourceSpan at, String text, String comment) {
        if (comment.startsWith("# Generated by ")) {
            String gen = comment.substring("# Generated by ".length());
            int on = gen.indexOf(" on ");
            generator = Optional.of(on < 0 ? gen : gen.substring(0, on));
            if (!familyGiven) {
                if (gen.startsWith("ip6tables-save")) {
                    addresses.fixFamily(IpFamily.V6);
                } else if (gen.startsWith("iptables-save")) {
                    addresses.fixFamily(IpFamily.V4);
                }
            }
        } else if (comment.startsWith("# Warning: iptables-legacy tables present")
                || comment.startsWith("# Warning: ip6tables-legacy tables present")) {
            legacy = true;
            warn(IptCode.IPT101, at, text, "iptables-legacy tables are also active on this node; their rules are not in"
                    + " this dump and the replay cannot see them", "a dump from iptables-legacy-save as well");
        } else if (comment.startsWith("# Table `") && comment.contains("is incompatible")) {
            warn(IptCode.IPT107, at, text, "the saver could not express this table's native nft rules; they are missing",
                    "the ruleset from 'nft list ruleset'");
        }
    }

    private void header(SourceSpan at, String text, String name) {
        if (current != null) {
            error(IptCode.IPT004, at, text, "table '" + current.name() + "' (opened on line " + current.span().line()
                    + ") is not closed by COMMIT before this header", "COMMIT");
            tables.add(current.build());
            current = null;
        }
        skippingTable = false;
        if (!TableSections.TABLES.contains(name)) {
            error(IptCode.IPT003, at.atColumn(at.column() + 1), text, "unknown table '" + name + "'; its lines are skipped up to COMMIT",
                    "one of raw, mangle, nat, filter, security");
            skippingTable = true;
            return;
        }
        current = new TableBuilder(name, at, sections == null ? new ScannedDeclarations(lines, at.line(), names)
                : new ScannedDeclarations(sections.declarations(at.line(), names)));
    }

    private void commit(SourceSpan at, String text) {
        if (current == null) {
            error(IptCode.IPT002, at, text, "COMMIT outside a table", "a *table header before COMMIT");
            return;
        }
        tables.add(current.build());
        current = null;
    }

    private void chainLine(SourceSpan at, String text) {
        if (plainChainLine(at, text)) {
            return;
        }
        LineTokens tokens;
        try {
            tokens = chainTokens.read(text);
        } catch (Tokenizer.UnbalancedQuoteException e) {
            error(IptCode.IPT005, at.atColumn(e.column()), text, "unbalanced double quote", "a closing \"");
            return;
        }
        String name = tokens.textAfter(0, 1);
        if (name.isEmpty() || tokens.size() < 2 || tokens.size() > 3) {
            error(IptCode.IPT013, at, text, "malformed chain declaration", ":CHAIN POLICY [packets:bytes]");
            return;
        }
        String policyText = tokens.text(1);
        Optional<Policy> policy;
        switch (policyText) {
            case "ACCEPT" -> policy = Optional.of(Policy.ACCEPT);
            case "DROP" -> policy = Optional.of(Policy.DROP);
            case "-" -> policy = Optional.empty();
            default -> {
                // still declared (as iptables-restore would have needed it), so the chain's rules are not lost
                error(IptCode.IPT013, at.atColumn(tokens.column(1)), text, "'" + policyText
                        + "' is not a chain policy", "ACCEPT or DROP for a built-in chain, - for a user chain");
                policy = PlacementCheck.isBuiltin(name) ? Optional.of(Policy.ACCEPT) : Optional.empty();
            }
        }
        Counters counters = Counters.ZERO;
        if (tokens.size() == 3) {
            try {
                counters = RuleLineParser.chainCounters(tokens.text(2), tokens.column(2));
            } catch (LineError e) {
                error(e.code(), at.atColumn(e.column()), text, e.getMessage(), e.expected());
            }
        }
        declareChain(at, text, name, policy, counters);
    }

    /**
     * {@code :NAME POLICY [0:0]} as iptables-save writes it (from column 1, single spaces, no quote or tab in the name)
     * declared as {@link #chainLine} would, without splitting the line; false, and nothing done, for any other form.
     */
    private boolean plainChainLine(SourceSpan at, String text) {
        int end = text.length() - ZERO_COUNTERS.length();
        int sp = text.indexOf(' ');
        if (at.column() != 1 || sp < 2 || end <= sp || !text.startsWith(ZERO_COUNTERS, end)) {
            return false;
        }
        Optional<Policy> policy;
        if (end == sp + 2 && text.charAt(sp + 1) == '-') {
            policy = Optional.empty();
        } else if (end == sp + 7 && text.startsWith("ACCEPT", sp + 1)) {
            policy = Optional.of(Policy.ACCEPT);
        } else if (end == sp + 5 && text.startsWith("DROP", sp + 1)) {
            policy = Optional.of(Policy.DROP);
        } else {
            return false;
        }
        for (int k = 1; k < sp; k++) {
            if (text.charAt(k) == '"' || text.charAt(k) == '\t') {
                return false;
            }
        }
        declareChain(at, text, names.share(text, 1, sp, Names.hash(text, 1, sp)), policy, Counters.ZERO);
        return true;
    }

    private void declareChain(SourceSpan at, String text, String name, Optional<Policy> policy, Counters counters) {
        if (current.chain(name).isPresent()) {
            error(IptCode.IPT011, at, text, "chain '" + name + "' is declared twice (first on line "
                    + current.chain(name).get().span.line() + ")", "each chain declared once per table");
            return;
        }
        current.declare(new TableBuilder.ChainBuilder(name, policy, counters, at));
    }
}
