package io.pktpath.parser.nft;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Diagnostics;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.json.JsonReader;
import io.pktpath.parser.json.JsonSyntaxException;
import io.pktpath.parser.json.JsonValue;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code nft -j [-a] list ruleset} (libnftables' JSON) into the same {@link NftRuleset} model as
 * {@link NftRulesetParser}: the document is written back as the text {@code nft -a list ruleset} prints
 * ({@link NftJsonListing}) and that text is read, so rules keep nft's wording and every later step reads them alike.
 * Tables, chains, sets and rules carry the JSON line they come from, chains and rules also the column where their
 * object starts ({@code nft -j} prints the whole document on one line); bad JSON, a misplaced object and every statement
 * or expression that cannot be written are diagnostics naming file, line, column and what was expected (such a
 * statement is written {@code unrendered-KEY}, which the translation refuses, so its chain is reported as not replayed).
 * iptables-nft's compat expressions, which nft -j names without their parameters, are read as {@code xt match NAME}
 * with one note per iptables-nft table (iptables-save gives its rules) or one warning per other table.
 */
public final class NftJsonRulesetParser {
    private static final int LONGEST_SHOWN_LINE = 200;

    private NftJsonRulesetParser() {
    }

    /** Whether {@code text} is a JSON document rather than a listing (its first non-blank character is <code>{</code>). */
    public static boolean isJson(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c) && c != '\uFEFF') {
                return c == '{';
            }
        }
        return false;
    }

    /** Reads the JSON form when {@code text} is JSON ({@link #isJson}), else the text form with {@link NftRulesetParser}. */
    public static Parsed<NftRuleset> parseEither(String file, String text) {
        return isJson(text) ? parse(file, text) : NftRulesetParser.parse(file, text);
    }

    /** Parses one {@code nft -j list ruleset} document; {@code file} names it in diagnostics. */
    public static Parsed<NftRuleset> parse(String file, String text) {
        Diagnostics diags = new Diagnostics();
        JsonValue root;
        try {
            root = JsonReader.read(text.startsWith("\uFEFF") ? text.substring(1) : text);
        } catch (JsonSyntaxException e) {
            diags.error("NFT_JSON", e.getMessage(), e.expected(), new SourceSpan(file, e.line(), e.column()),
                    shownLine(text, e.line()));
            return new Parsed<>(new NftRuleset(file, List.of()), diags.toList());
        }
        if (!(root instanceof JsonValue.JsonObject o) || !(o.get("nftables").orElse(null)
                instanceof JsonValue.JsonArray items)) {
            diags.error("NFT_JSON", "not an nft -j document", "{\"nftables\": [ ... ]}", span(file, root),
                    shownLine(text, root.line()));
            return new Parsed<>(new NftRuleset(file, List.of()), diags.toList());
        }
        NftJsonListing listing = NftJsonListing.of(items.items(), e -> diags.add(Diagnostic.warning(
                "NFT_JSON_UNREAD", e.getMessage() + near(text, e.at()), e.expected(), span(file, e.at()),
                shownLine(text, e.at().line()))));
        for (NftJsonListing.CompatTally x : listing.compat()) {
            String message = "table " + x.table() + ": " + x.count() + " iptables-nft compat expression"
                    + (x.count() == 1 ? "" : "s") + " (xt), which nft -j names without their parameters; read as "
                    + "'xt match|target NAME'";
            SourceSpan at = span(file, x.first());
            diags.add(x.iptablesTable() ? Diagnostic.note("NFT_JSON_XT", message + " (iptables-save gives the rules)", at)
                    : Diagnostic.warning("NFT_JSON_XT", message + "; its chains are not replayed",
                    "nft list ruleset (text) for these rules", at, shownLine(text, x.first().line())));
        }
        Parsed<NftRuleset> read = NftRulesetParser.parse(file, listing.text());
        for (Diagnostic d : read.diagnostics()) {
            JsonValue at = listing.isEmpty() ? root : listing.origin(d.span().line());
            diags.add(new Diagnostic(d.severity(), d.code(), d.message() + " (written from the JSON as: "
                    + d.lineText().strip() + ")", d.expected(), span(file, at), shownLine(text, at.line())));
        }
        return new Parsed<>(atJsonLines(read.value(), listing), diags.toList());
    }

    /** The model with every line of the written text replaced by the line of the JSON value it was written from. */
    private static NftRuleset atJsonLines(NftRuleset r, NftJsonListing listing) {
        List<NftTable> tables = new ArrayList<>();
        for (NftTable t : r.tables()) {
            List<NftChain> chains = new ArrayList<>();
            for (NftChain c : t.chains()) {
                List<NftRule> rules = new ArrayList<>();
                for (NftRule rule : c.rules()) {
                    JsonValue at = listing.origin(rule.line());
                    rules.add(new NftRule(rule.text(), at.line(), at.column(), rule.handle()));
                }
                JsonValue at = listing.origin(c.line());
                chains.add(new NftChain(c.name(), at.line(), at.column(), c.base(), rules));
            }
            List<NftSet> sets = new ArrayList<>();
            for (NftSet s : t.sets()) {
                sets.add(new NftSet(s.kind(), s.name(), jsonLine(listing, s.line()), s.elements(), s.jumpTargets(),
                        s.dropVerdict(), s.values(), s.declarations()));
            }
            tables.add(new NftTable(t.family(), t.name(), jsonLine(listing, t.line()), chains, sets));
        }
        return new NftRuleset(r.file(), tables);
    }

    /** The JSON line of the value that line {@code line} of the written text was written from. */
    private static int jsonLine(NftJsonListing listing, int line) {
        return listing.origin(line).line();
    }

    private static SourceSpan span(String file, JsonValue v) {
        return new SourceSpan(file, v.line(), v.column());
    }

    /** The JSON line for a diagnostic, or nothing when it is too long to show ({@code nft -j} prints one line). */
    private static String shownLine(String text, int line) {
        String l = lineAt(text, line);
        return l.length() > LONGEST_SHOWN_LINE ? "" : l;
    }

    /** A short excerpt of the JSON where {@code v} starts, when its line is too long to be shown. */
    private static String near(String text, JsonValue v) {
        String l = lineAt(text, v.line());
        if (l.length() <= LONGEST_SHOWN_LINE) {
            return "";
        }
        int from = Math.max(0, Math.min(l.length(), v.column() - 1));
        return " at " + l.substring(from, Math.min(l.length(), from + 80)) + (from + 80 < l.length() ? "..." : "");
    }

    private static String lineAt(String text, int line) {
        int start = 0;
        for (int n = 1; n < line; n++) {
            int nl = text.indexOf('\n', start);
            if (nl < 0) {
                return "";
            }
            start = nl + 1;
        }
        int end = text.indexOf('\n', start);
        String l = text.substring(start, end < 0 ? text.length() : end);
        return l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
    }
}
