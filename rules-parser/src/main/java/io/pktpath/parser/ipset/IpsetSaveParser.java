package io.pktpath.parser.ipset;

import io.pktpath.parser.diag.Diagnostics;
import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.net.IpFamily;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Parses {@code ipset save} output (ipset(8)): {@code create NAME TYPE [options]} then {@code add NAME ELEMENT [timeout N]
 * [packets N bytes N] [comment "..."] [nomatch] [wildcard] ...}; an {@code add} to a set not created before it, an
 * unknown type or a malformed element is one diagnostic and the line is skipped.
 */
public final class IpsetSaveParser {
    private static final Set<String> CREATE_FLAGS = Set.of("counters", "comment", "skbinfo", "forceadd");
    private static final Set<String> ENTRY_VALUE_OPTIONS = Set.of("skbmark", "skbprio", "skbqueue");
    private static final Set<String> MASK_OPTIONS = Set.of("netmask", "bitmask");
    private static final String ENTRY_OPTIONS =
            "timeout, packets, bytes, comment, nomatch, wildcard, skbmark, skbprio or skbqueue";

    private IpsetSaveParser() {
    }

    /** A set being collected: its create line's data and the entries read so far. */
    private record Pending(String name, SetType type, IpFamily family, Map<String, String> options,
                           Optional<AddressMask> mask, List<SetEntry> entries, SourceSpan span) {
    }

    public static Parsed<IpSets> parse(String fileName, String text) {
        String[] lines = text.split("\r?\n", -1);
        Diagnostics diags = new Diagnostics();
        Map<String, Pending> sets = new LinkedHashMap<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            List<SaveLineTokens.Word> w = SaveLineTokens.split(line);
            if (w.isEmpty() || w.get(0).text().startsWith("#")) {
                continue;
            }
            SourceSpan span = SourceSpan.line(fileName, i + 1);
            try {
                switch (w.get(0).text()) {
                    case "create" -> create(w, span, sets);
                    case "add" -> add(w, span, sets);
                    default -> throw new LineProblem("unknown-command", "unknown ipset command '" + w.get(0).text() + "'",
                            "create or add", w.get(0).column());
                }
            } catch (LineProblem e) {
                diags.error(e.code, e.getMessage(), e.expected, span.atColumn(e.column), line);
            }
        }
        Map<String, IpSet> done = new TreeMap<>();
        sets.forEach((name, p) -> done.put(name, new IpSet(name, p.type, p.family, p.options, p.mask, p.entries, p.span)));
        return new Parsed<>(new IpSets(done), diags.toList());
    }

    private static void create(List<SaveLineTokens.Word> w, SourceSpan span, Map<String, Pending> sets) throws LineProblem {
        SaveLineTokens.Word name = word(w, 1, "a set name");
        SaveLineTokens.Word typeWord = word(w, 2, "a set type such as hash:ip");
        SetType type = SetType.parse(typeWord.text()).orElseThrow(() -> new LineProblem("unknown-set-type",
                "unknown set type '" + typeWord.text() + "'", "a type such as hash:ip, hash:net,port, bitmap:port or list:set",
                typeWord.column()));
        Map<String, String> options = new TreeMap<>();
        SaveLineTokens.Word maskWord = null;
        for (int i = 3; i < w.size(); i++) {
            String k = w.get(i).text();
            if (CREATE_FLAGS.contains(k)) {
                options.put(k, "");
            } else {
                SaveLineTokens.Word value = word(w, ++i, "a value for " + k);
                options.put(k, value.text());
                maskWord = MASK_OPTIONS.contains(k) ? value : maskWord;
            }
        }
        IpFamily family = "inet6".equals(options.get("family")) ? IpFamily.V6 : IpFamily.V4;
        Optional<AddressMask> mask = Optional.empty();
        if (maskWord != null) {
            try {
                mask = Optional.of(AddressMask.parse(options.containsKey("netmask") ? "netmask" : "bitmask",
                        maskWord.text(), family));
            } catch (InvalidValueException e) {
                throw new LineProblem("bad-netmask", e.getMessage(), e.expected(), maskWord.column());
            }
        }
        if (sets.containsKey(name.text())) {
            throw new LineProblem("duplicate-set", "set '" + name.text() + "' is created twice", "one create line per set",
                    name.column());
        }
        sets.put(name.text(), new Pending(name.text(), type, family, options, mask, new ArrayList<>(), span));
    }

    private static void add(List<SaveLineTokens.Word> w, SourceSpan span, Map<String, Pending> sets) throws LineProblem {
        SaveLineTokens.Word name = word(w, 1, "a set name");
        Pending set = sets.get(name.text());
        if (set == null) {
            throw new LineProblem("undeclared-set", "add to set '" + name.text() + "' which has no create line before it",
                    "a 'create " + name.text() + " TYPE ...' line before its entries", name.column());
        }
        SaveLineTokens.Word element = word(w, 2, "an element");
        boolean nomatch = false;
        boolean wildcard = false;
        Optional<Long> timeout = Optional.empty();
        Optional<Long> packets = Optional.empty();
        Optional<Long> bytes = Optional.empty();
        Optional<String> comment = Optional.empty();
        for (int i = 3; i < w.size(); i++) {
            SaveLineTokens.Word k = w.get(i);
            switch (k.text()) {
                case "nomatch" -> {
                    if (!set.type.hasNomatchEntries()) {
                        throw new LineProblem("unknown-keyword", "'nomatch' is an option of entries of hash types with a "
                                + "net dimension only", "no nomatch in a " + set.type + " set", k.column());
                    }
                    nomatch = true;
                }
                case "wildcard" -> {
                    if (!set.type.dimensions().contains(Dimension.IFACE)) {
                        throw new LineProblem("unknown-keyword", "'wildcard' is an option of hash:net,iface entries only",
                                "no wildcard in a " + set.type + " set", k.column());
                    }
                    wildcard = true;
                }
                case "timeout" -> timeout = Optional.of(number(word(w, ++i, "a timeout in seconds")));
                case "packets" -> packets = Optional.of(number(word(w, ++i, "a packet count")));
                case "bytes" -> bytes = Optional.of(number(word(w, ++i, "a byte count")));
                case "comment" -> comment = Optional.of(word(w, ++i, "a quoted comment").text());
                default -> {
                    if (!ENTRY_VALUE_OPTIONS.contains(k.text())) {
                        throw new LineProblem("unknown-keyword", "unknown entry option '" + k.text() + "'",
                                ENTRY_OPTIONS, k.column());
                    }
                    word(w, ++i, "a value for " + k.text());
                }
            }
        }
        List<SetElement> elements;
        try {
            elements = ElementParser.parse(element.text(), set.type, set.family, wildcard);
        } catch (InvalidValueException e) {
            throw new LineProblem("bad-element", e.getMessage(), e.expected(), element.column());
        }
        set.entries.add(new SetEntry(elements, nomatch, timeout, comment, packets, bytes, span));
    }

    private static SaveLineTokens.Word word(List<SaveLineTokens.Word> w, int index, String expected) throws LineProblem {
        if (index >= w.size()) {
            SaveLineTokens.Word last = w.get(w.size() - 1);
            throw new LineProblem("missing-value", "line ends early (truncated?)", expected,
                    last.column() + last.text().length());
        }
        return w.get(index);
    }

    private static long number(SaveLineTokens.Word word) throws LineProblem {
        try {
            return ElementParser.number(word.text(), "a number");
        } catch (InvalidValueException e) {
            throw new LineProblem("bad-number", e.getMessage(), e.expected(), word.column());
        }
    }

    /** A problem on one line: becomes a diagnostic, the line is skipped. */
    private static final class LineProblem extends Exception {
        private static final long serialVersionUID = 1L;
        private final String code;
        private final String expected;
        private final int column;

        LineProblem(String code, String message, String expected, int column) {
            super(message, null, false, false);
            this.code = code;
            this.expected = expected;
            this.column = column;
        }
    }
}
