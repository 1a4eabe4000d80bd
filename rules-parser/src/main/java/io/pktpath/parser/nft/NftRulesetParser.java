package io.pktpath.parser.nft;

import io.pktpath.parser.diag.Diagnostics;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.diag.SourceSpan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code nft list ruleset} (and {@code nft -a list ruleset}, whose {@code # handle N} comments become rule
 * handles) into tables, chains with their hook, priority and policy, rules as text with their line, and named sets and
 * maps with their element counts. A rule's syntax is never interpreted, so no rule fails the parse; a broken structure
 * (a chain outside a table, a brace left open or closed twice, an unknown family) is a diagnostic naming file, line and
 * what was expected, and the rest is still read. {@code nft -j} JSON is read into the same model by
 * {@link NftJsonRulesetParser}, which writes it as this text first.
 */
public final class NftRulesetParser {
    private static final Pattern TABLE = Pattern.compile("table\\s+(?:(\\S+)\\s+)?([^\\s{]+)\\s*\\{(.*)");
    private static final Pattern CHAIN = Pattern.compile("chain\\s+([^\\s{]+)\\s*\\{(.*)");
    /** A set's {@code type}, {@code flags} or {@code timeout} line (a {@code # handle} comment is stripped before). */
    private static final Pattern DECLARATION = Pattern.compile("(type|flags|timeout|size|gc-interval)\\s+([^;{}]+);?");
    private static final Pattern SET = Pattern.compile("(set|map)\\s+([^\\s{]+)\\s*\\{(.*)");
    private static final Pattern BASE = Pattern.compile("type\\s+(\\S+)\\s+hook\\s+(\\S+)"
            + "(?:\\s+devices?\\s*(?:=\\s*)?(\\{[^}]*\\}|\"[^\"]*\"|[^\\s;]+))?\\s+priority\\s+([^;]+?)\\s*;"
            + "(?:\\s*policy\\s+(\\w+)\\s*;)?\\s*(?:comment\\s+\"[^\"]*\"\\s*;?)?\\s*");
    private static final Pattern POLICY = Pattern.compile("policy\\s+(\\w+)\\s*;?");
    private static final Pattern DROP_VERDICT = Pattern.compile(":\\s*drop(?![\\w-])");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern COMMA = Pattern.compile("\\s*,\\s*");

    private final String file;
    private final Diagnostics diagnostics = new Diagnostics();
    private final List<NftTable> tables = new ArrayList<>();
    private TableBuilder table;
    private ChainBuilder chain;
    private SetBuilder set;
    /** Open braces of a block that is skipped whole (a flowtable, a named counter, a table with a bad family). */
    private int skipDepth;
    /** A rule or an element list that goes on over several lines, and its open braces. */
    private StringBuilder pending;
    private int pendingLine;
    private int pendingDepth;

    private NftRulesetParser(String file) {
        this.file = file;
    }

    /** Parses one file's text; {@code file} names it in diagnostics. */
    public static Parsed<NftRuleset> parse(String file, String text) {
        NftRulesetParser p = new NftRulesetParser(file);
        // line by line, as text.split("\n", -1) would cut them, without holding every line at once (a listing of
        // 30,000 services has 675,000 lines, which would outlive young collections and be copied into the old generation)
        int start = 0;
        int no = 1;
        while (true) {
            int end = text.indexOf('\n', start);
            int stop = end < 0 ? text.length() : end;
            int cut = stop > start && text.charAt(stop - 1) == '\r' ? stop - 1 : stop;
            p.line(text.substring(start, cut), no++);
            if (end < 0) {
                break;
            }
            start = end + 1;
        }
        p.finish();
        return new Parsed<>(new NftRuleset(file, p.tables), p.diagnostics.toList());
    }

    private void line(String raw, int no) {
        Optional<Long> handle = Optional.empty();
        String body = raw;
        int hash = handleComment(raw);
        if (hash >= 0) {
            body = raw.substring(0, hash);
            try {
                handle = Optional.of(Long.parseLong(handleDigits(raw)));
            } catch (NumberFormatException e) {
                handle = Optional.empty();
            }
        }
        String t = withoutComment(body).strip();
        if (t.isEmpty()) {
            return;
        }
        if (pending != null) {
            pending.append(' ').append(t);
            pendingDepth += balance(t);
            if (pendingDepth <= 0) {
                completePending(handle);
            }
            return;
        }
        if (skipDepth > 0) {
            skipDepth += balance(t);
            return;
        }
        if (set != null) {
            setLine(t, no);
        } else if (chain != null) {
            chainLine(t, no, handle, raw);
        } else if (table != null) {
            tableLine(t, no, raw);
        } else {
            topLine(t, no, raw);
        }
    }

    private void topLine(String t, int no, String raw) {
        Matcher m = TABLE.matcher(t);
        if (m.matches()) {
            openTable(m, no, raw);
        } else if (t.startsWith("chain ") || t.startsWith("set ") || t.startsWith("map ")) {
            diagnostics.error("NFT_OUTSIDE_TABLE", firstWord(t) + " outside a table",
                    "table FAMILY NAME { before it", SourceSpan.line(file, no), raw);
            skipDepth = Math.max(0, balance(t));
        } else if (t.equals("}")) {
            diagnostics.error("NFT_BRACES", "'}' closes nothing", "table FAMILY NAME {", SourceSpan.line(file, no), raw);
        } else if (!t.startsWith("flush ") && !t.startsWith("define ")) {
            diagnostics.warning("NFT_SYNTAX", "not a table and not read", "table FAMILY NAME {",
                    SourceSpan.line(file, no), raw);
            skipDepth = Math.max(0, balance(t));
        }
    }

    private void openTable(Matcher m, int no, String raw) {
        String familyWord = m.group(1) == null ? "ip" : m.group(1);
        Optional<NftFamily> family = NftFamily.of(familyWord);
        if (family.isEmpty()) {
            diagnostics.error("NFT_FAMILY", "unknown table family '" + familyWord + "'; the table is not read",
                    "ip, ip6, inet, arp, bridge or netdev", SourceSpan.line(file, no), raw);
            skipDepth = Math.max(0, balance(m.group(3)) + 1);
            return;
        }
        table = new TableBuilder(family.get(), m.group(2), no);
        String rest = m.group(3).strip();
        if (rest.equals("}")) {
            closeTable();
        }
    }

    private void tableLine(String t, int no, String raw) {
        Matcher c = matchedIfStarts(CHAIN, t, "chain");
        Matcher s = c == null ? matchedIfStarts(SET, t, "set", "map") : null;
        if (t.equals("}")) {
            closeTable();
        } else if (c != null) {
            chain = new ChainBuilder(c.group(1), no);
            String inline = c.group(2).strip();
            if (!inline.isEmpty()) {
                oneLineChain(inline, no, raw);
            }
        } else if (s != null) {
            set = new SetBuilder(s.group(1), s.group(2), no);
            String inline = s.group(3).strip();
            if (!inline.isEmpty()) {
                setLine(inline, no);
            }
        } else if (matchedIfStarts(TABLE, t, "table") != null) {
            diagnostics.error("NFT_BRACES", "table " + table.qualifiedName() + " (line " + table.line
                    + ") is not closed before the next table", "'}' closing it", SourceSpan.line(file, no), raw);
            closeTable();
            openTable(matched(TABLE, t), no, raw);
        } else if (balance(t) > 0) {
            skipDepth = balance(t);
        }
    }

    /**
     * {@code chain input { type filter hook input priority 0; policy drop; }} written on one line, with its rules too
     * ({@code chain filter-input { type filter hook input priority 0; policy accept; ct state new jump a; }}, as
     * {@code nft -f} reads it): each {@code ;}-separated statement is read as a line of its own. A body that opens a
     * brace it does not close goes on on the next lines, read as before.
     */
    private void oneLineChain(String inline, int no, String raw) {
        boolean closes = inline.endsWith("}") && balance(inline) < 0;
        String body = closes ? inline.substring(0, inline.length() - 1).strip() : inline;
        if (balance(body) != 0) {
            chainLine(body, no, Optional.empty(), raw);
        } else {
            for (String statement : NftRuleTokens.statements(body)) {
                chainLine(statement.startsWith("type ") && statement.contains(" hook ") ? statement + ";" : statement,
                        no, Optional.empty(), raw);
            }
        }
        if (closes) {
            closeChain();
        }
    }

    /**
     * {@code pattern}'s matcher of {@code t} when it matches the whole line, else null; a line that does not start with
     * one of {@code words}, the literal words the pattern begins with, cannot match and is not tried: a listing's rule
     * lines, hundreds of thousands of them, are not run through the patterns of chain, table, set and policy lines.
     */
    private static Matcher matchedIfStarts(Pattern pattern, String t, String... words) {
        for (String word : words) {
            if (t.startsWith(word)) {
                Matcher m = pattern.matcher(t);
                return m.matches() ? m : null;
            }
        }
        return null;
    }

    private void chainLine(String t, int no, Optional<Long> handle, String raw) {
        if (t.equals("}")) {
            closeChain();
            return;
        }
        if (matchedIfStarts(CHAIN, t, "chain") != null || matchedIfStarts(TABLE, t, "table") != null) {
            diagnostics.error("NFT_BRACES", "chain " + chain.name + " (line " + chain.line + ") is not closed before "
                    + "the next " + firstWord(t), "'}' closing it", SourceSpan.line(file, no), raw);
            closeChain();
            if (matchedIfStarts(TABLE, t, "table") != null) {
                closeTable();
                topLine(t, no, raw);
            } else {
                tableLine(t, no, raw);
            }
            return;
        }
        if (t.startsWith("type ") && t.contains(" hook ")) {
            baseChain(t, no, raw);
            return;
        }
        Matcher p = matchedIfStarts(POLICY, t, "policy");
        if (p != null) {
            chain.policy = p.group(1);
            return;
        }
        if (t.startsWith("comment ")) {
            return;
        }
        int depth = balance(t);
        if (depth > 0) {
            pending = new StringBuilder(t);
            pendingLine = no;
            pendingDepth = depth;
        } else if (depth < 0 && t.endsWith("}")) {
            chain.rules.add(new NftRule(t.substring(0, t.length() - 1).strip(), no, handle));
            closeChain();
        } else {
            chain.rules.add(new NftRule(t, no, handle));
        }
    }

    private void baseChain(String t, int no, String raw) {
        Matcher m = BASE.matcher(t);
        if (!m.matches()) {
            diagnostics.error("NFT_BASE_CHAIN", "chain " + chain.name + ": hook line not understood; the chain is read "
                    + "as a regular chain", "type TYPE hook HOOK [device DEV] priority PRIORITY; [policy accept|drop;]",
                    SourceSpan.line(file, no), raw);
            return;
        }
        String priorityText = m.group(4).strip();
        OptionalInt priority = NftPriority.resolve(priorityText, table.family);
        if (priority.isEmpty()) {
            diagnostics.warning("NFT_PRIORITY", "chain " + chain.name + ": priority '" + priorityText + "' is not a "
                    + "number or a known name", "a number, or raw, mangle, dstnat, filter, security, srcnat (bridge: "
                    + "dstnat, filter, out, srcnat), optionally + or - a number", SourceSpan.line(file, no), raw);
        }
        Optional<String> device = Optional.ofNullable(m.group(3)).map(d -> d.replace("\"", "").replace("{", "")
                .replace("}", "").strip()).map(d -> COMMA.matcher(d).replaceAll(","));
        chain.base = new BaseParts(m.group(1), m.group(2), priorityText, priority, device);
        if (m.group(5) != null) {
            chain.policy = m.group(5);
        }
    }

    private void setLine(String t, int no) {
        if (t.equals("}")) {
            closeSet();
            return;
        }
        int at = t.indexOf("elements = {");
        if (at >= 0) {
            String list = t.substring(at + "elements = ".length());
            pending = new StringBuilder(list);
            pendingLine = no;
            pendingDepth = balance(list);
            if (pendingDepth <= 0) {
                completePending(Optional.empty());
            }
        } else if (t.endsWith("}") && balance(t) < 0) {
            closeSet();
        } else {
            Matcher d = DECLARATION.matcher(t);
            if (d.matches()) {
                set.declarations.put(d.group(1), d.group(2).strip());
            }
        }
    }

    private void completePending(Optional<Long> handle) {
        String text = pending.toString();
        int depth = pendingDepth;
        pending = null;
        if (set != null) {
            // the element list, possibly followed by the set's own closing brace on the same line
            List<String> elements = splitElements(text);
            set.elements += elements.size();
            set.values.addAll(elements);
            set.targets.addAll(NftRule.targets(text));
            set.drop |= DROP_VERDICT.matcher(text.replaceAll("\"[^\"]*\"", "\"\"")).find();
            if (depth < 0) {
                closeSet();
            }
        } else if (chain != null) {
            chain.rules.add(new NftRule(text, pendingLine, handle));
        }
    }

    private void closeSet() {
        if (set == null) {
            return;
        }
        table.sets.add(new NftSet(set.kind, set.name, set.line, set.elements, List.copyOf(set.targets), set.drop,
                set.values, set.declarations));
        set = null;
    }

    private void closeChain() {
        if (chain == null) {
            return;
        }
        Optional<NftBaseChain> base = chain.base == null ? Optional.empty() : Optional.of(new NftBaseChain(
                chain.base.type, chain.base.hook, chain.base.priorityText, chain.base.priority, chain.base.device,
                chain.policy == null ? "accept" : chain.policy));
        table.chains.add(new NftChain(chain.name, chain.line, base, chain.rules));
        chain = null;
    }

    private void closeTable() {
        if (table == null) {
            return;
        }
        tables.add(new NftTable(table.family, table.name, table.line, table.chains, table.sets));
        table = null;
    }

    private void finish() {
        if (pending != null) {
            diagnostics.error("NFT_BRACES", "a '{' on this line is never closed", "'}'",
                    SourceSpan.line(file, pendingLine), "");
            completePending(Optional.empty());
        }
        if (set != null) {
            unclosed(set.kind + " " + set.name, set.line);
            closeSet();
        }
        if (chain != null) {
            unclosed("chain " + chain.name, chain.line);
            closeChain();
        }
        if (table != null) {
            unclosed("table " + table.qualifiedName(), table.line);
            closeTable();
        }
        if (skipDepth > 0) {
            diagnostics.error("NFT_BRACES", "the file ends inside a block", "'}'", SourceSpan.line(file, 0), "");
        }
    }

    private void unclosed(String what, int line) {
        diagnostics.error("NFT_BRACES", what + " is not closed at the end of the file", "'}'",
                SourceSpan.line(file, line), "");
    }

    private static String firstWord(String t) {
        return SPACES.split(t, 2)[0];
    }

    private static Matcher matched(Pattern p, String t) {
        Matcher m = p.matcher(t);
        if (!m.matches()) {
            throw new IllegalStateException(t);
        }
        return m;
    }

    /**
     * The elements of the first {@code { a, b : c, d }} of {@code list}, split at the commas outside nested braces and
     * quotes, each with its white space collapsed.
     */
    static List<String> splitElements(String list) {
        List<String> out = new ArrayList<>();
        StringBuilder e = new StringBuilder();
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < list.length(); i++) {
            char c = list.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '{') {
                depth++;
                if (depth == 1) {
                    continue;
                }
            } else if (!quoted && c == '}') {
                depth--;
                if (depth == 0) {
                    addElement(out, e);
                    break;
                }
            } else if (!quoted && c == ',' && depth == 1) {
                addElement(out, e);
                continue;
            }
            if (depth >= 1) {
                e.append(c);
            }
        }
        return out;
    }

    private static void addElement(List<String> out, StringBuilder e) {
        String s = SPACES.matcher(e.toString().strip()).replaceAll(" ");
        if (!s.isEmpty()) {
            out.add(s);
        }
        e.setLength(0);
    }

    /** Opened minus closed braces outside quoted text. */
    static int balance(String s) {
        int n = 0;
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '{') {
                n++;
            } else if (!quoted && c == '}') {
                n--;
            }
        }
        return n;
    }

    /** The line without a {@code #} comment (a {@code #} inside quotes is text). */
    /**
     * Where the {@code # handle N} comment that ends {@code raw} begins, the white space before it included (what
     * {@code \s*#\s*handle\s+(\d+)\s*$} would find), or -1 when the line does not end so. Only the last
     * {@code #} can begin it: any earlier one would have a {@code #} in what must be digits and white space.
     */
    static int handleComment(String raw) {
        int hash = raw.lastIndexOf('#');
        if (hash < 0 || handleDigitsAt(raw, hash) < 0) {
            return -1;
        }
        int start = hash;
        while (start > 0 && NftRule.isRegexSpace(raw.charAt(start - 1))) {
            start--;
        }
        return start;
    }

    /** The digits of the line's {@code # handle N} comment ({@link #handleComment} found it). */
    private static String handleDigits(String raw) {
        int from = handleDigitsAt(raw, raw.lastIndexOf('#'));
        int to = from;
        while (to < raw.length() && raw.charAt(to) >= '0' && raw.charAt(to) <= '9') {
            to++;
        }
        return raw.substring(from, to);
    }

    /** Where the digits begin when {@code raw} goes on from its {@code #} at {@code hash} as {@code \s*handle\s+\d+\s*$}; else -1. */
    private static int handleDigitsAt(String raw, int hash) {
        int i = hash + 1;
        int n = raw.length();
        while (i < n && NftRule.isRegexSpace(raw.charAt(i))) {
            i++;
        }
        if (!raw.startsWith("handle", i)) {
            return -1;
        }
        i += 6;
        int spaces = i;
        while (i < n && NftRule.isRegexSpace(raw.charAt(i))) {
            i++;
        }
        int digits = i;
        while (i < n && raw.charAt(i) >= '0' && raw.charAt(i) <= '9') {
            i++;
        }
        if (digits == spaces || i == digits) {
            return -1;
        }
        while (i < n && NftRule.isRegexSpace(raw.charAt(i))) {
            i++;
        }
        // a regex's $ also matches before a last line terminator that \s does not take (U+0085, U+2028, U+2029)
        boolean end = i == n || i == n - 1 && "\u0085\u2028\u2029".indexOf(raw.charAt(i)) >= 0;
        return end ? digits : -1;
    }

    private static String withoutComment(String s) {
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '#' && !quoted) {
                return s.substring(0, i);
            }
        }
        return s;
    }

    private record BaseParts(String type, String hook, String priorityText, OptionalInt priority,
                             Optional<String> device) {
    }

    private static final class TableBuilder {
        final NftFamily family;
        final String name;
        final int line;
        final List<NftChain> chains = new ArrayList<>();
        final List<NftSet> sets = new ArrayList<>();

        TableBuilder(NftFamily family, String name, int line) {
            this.family = family;
            this.name = name;
            this.line = line;
        }

        String qualifiedName() {
            return family.keyword() + " " + name;
        }
    }

    private static final class ChainBuilder {
        final String name;
        final int line;
        final List<NftRule> rules = new ArrayList<>();
        BaseParts base;
        String policy;

        ChainBuilder(String name, int line) {
            this.name = name;
            this.line = line;
        }
    }

    private static final class SetBuilder {
        final String kind;
        final String name;
        final int line;
        int elements;
        final java.util.LinkedHashSet<String> targets = new java.util.LinkedHashSet<>();
        boolean drop;
        final List<String> values = new ArrayList<>();
        final java.util.Map<String, String> declarations = new java.util.TreeMap<>();

        SetBuilder(String kind, String name, int line) {
            this.kind = kind;
            this.name = name;
            this.line = line;
        }
    }
}
