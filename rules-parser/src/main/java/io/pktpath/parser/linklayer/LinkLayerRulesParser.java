package io.pktpath.parser.linklayer;

import io.pktpath.parser.diag.Diagnostics;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.diag.SourceSpan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads ebtables and arptables rules in every form a bundle holds them: {@code ebtables-save} / {@code arptables-save}
 * ({@code *table}, {@code :CHAIN POLICY}, {@code -A CHAIN ...}, with {@code [p:b]} or {@code -c p b} counters),
 * {@code ebtables [-t T] -L [--Ln] [--Lc]} ({@code Bridge table: T}, {@code Bridge chain: C, entries: N, policy: P}, an
 * sosreport's form) and {@code arptables -L} ({@code Chain C (policy P)}). A line that is none of these is an error
 * naming its line and what was expected; every other line is kept.
 */
public final class LinkLayerRulesParser {
    private static final Pattern SAVE_TABLE = Pattern.compile("^\\*(\\S+)$");
    private static final Pattern SAVE_CHAIN = Pattern.compile("^:(\\S+)\\s+(ACCEPT|DROP|RETURN|CONTINUE)$");
    private static final Pattern SAVE_RULE = Pattern.compile("^(\\[\\d+:\\d+\\]\\s+)?-A\\s+(\\S+)(\\s+(.*))?$");
    private static final Pattern SAVE_NEW_CHAIN = Pattern.compile("^-N\\s+(\\S+)(\\s+-P\\s+(ACCEPT|DROP|RETURN|CONTINUE))?$");
    private static final Pattern SAVE_POLICY = Pattern.compile("^-P\\s+(\\S+)\\s+(ACCEPT|DROP|RETURN|CONTINUE)$");
    private static final Pattern EB_TABLE = Pattern.compile("^Bridge table:\\s*(\\S+)$");
    private static final Pattern EB_CHAIN = Pattern.compile(
            "^Bridge chain:\\s*([^,\\s]+),\\s*entries:\\s*(\\d+),\\s*policy:\\s*(ACCEPT|DROP|RETURN|CONTINUE)$");
    private static final Pattern ARP_CHAIN = Pattern.compile("^Chain\\s+(\\S+)\\s+\\((?:policy\\s+(ACCEPT|DROP|RETURN|CONTINUE)"
            + "|\\d+\\s+references?)[^)]*\\)$");
    private static final Pattern LISTED_NUMBER = Pattern.compile("^\\d+\\.?\\s+(?=-)");
    private static final Pattern LISTED_COUNTERS = Pattern.compile("\\s*,\\s*pcnt\\s*=\\s*\\d+\\s*--\\s*bcnt\\s*=\\s*\\d+\\s*$");
    private static final Pattern SAVED_COUNTERS = Pattern.compile("\\s+-c\\s+\\d+\\s+\\d+$");
    private static final Pattern TARGET = Pattern.compile("(?:^|\\s)-j\\s+(\\S+)");

    private final LinkLayerTool tool;
    private final String file;
    private final Diagnostics diags = new Diagnostics();
    private final Map<String, Draft> chains = new LinkedHashMap<>();
    private String table;
    private Draft listedChain;

    private LinkLayerRulesParser(LinkLayerTool tool, String file) {
        this.tool = tool;
        this.file = file;
    }

    /** Reads one file of {@code tool}'s rules in any of its forms; never throws for bad input. */
    public static Parsed<LinkLayerRules> parse(LinkLayerTool tool, String file, String text) {
        LinkLayerRulesParser p = new LinkLayerRulesParser(tool, file);
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            p.line(lines[i], i + 1);
        }
        p.closeListedChain();
        List<LinkLayerChain> out = new ArrayList<>();
        for (Draft d : p.chains.values()) {
            out.add(new LinkLayerChain(d.table, d.name, d.policy, tool.builtin(d.table, d.name), d.rules, file, d.line));
        }
        return new Parsed<>(new LinkLayerRules(tool, out), p.diags.toList());
    }

    private void line(String raw, int number) {
        String t = raw.strip();
        if (t.isEmpty() || t.startsWith("#") || t.equals("COMMIT")) {
            return;
        }
        Matcher m;
        if ((m = SAVE_TABLE.matcher(t)).matches() || (m = EB_TABLE.matcher(t)).matches()) {
            closeListedChain();
            table = m.group(1);
        } else if ((m = SAVE_CHAIN.matcher(t)).matches()) {
            declare(m.group(1), m.group(2), number, raw);
        } else if ((m = SAVE_NEW_CHAIN.matcher(t)).matches()) {
            declare(m.group(1), m.group(3) == null ? "RETURN" : m.group(3), number, raw);
        } else if ((m = SAVE_POLICY.matcher(t)).matches()) {
            Draft d = chain(m.group(1), number, raw);
            if (d != null) {
                d.policy = m.group(2);
            }
        } else if ((m = SAVE_RULE.matcher(t)).matches()) {
            Draft d = chain(m.group(2), number, raw);
            if (d != null) {
                rule(d, m.group(4) == null ? "" : m.group(4), number);
            }
        } else if ((m = EB_CHAIN.matcher(t)).matches()) {
            closeListedChain();
            listedChain = declare(m.group(1), m.group(3), number, raw);
            if (listedChain != null) {
                listedChain.listedEntries = Integer.parseInt(m.group(2));
            }
        } else if ((m = ARP_CHAIN.matcher(t)).matches()) {
            closeListedChain();
            if (table == null) {
                table = "filter";
            }
            listedChain = declare(m.group(1), m.group(2) == null ? "RETURN" : m.group(2), number, raw);
        } else if (t.startsWith("-") || LISTED_NUMBER.matcher(t).find()) {
            if (listedChain == null) {
                error(number, raw, "a rule outside any chain", "a chain header ("
                        + (tool == LinkLayerTool.EBTABLES ? "'Bridge chain: FORWARD, entries: 1, policy: ACCEPT'"
                        : "'Chain INPUT (policy ACCEPT)'") + ") or '-A CHAIN ...' before a rule");
                return;
            }
            rule(listedChain, LISTED_NUMBER.matcher(t).replaceFirst(""), number);
        } else {
            error(number, raw, "'" + (t.length() > 40 ? t.substring(0, 40) + "..." : t) + "' is not a line of "
                    + tool.command() + " output", expectedLine());
        }
    }

    private Draft declare(String name, String policy, int number, String raw) {
        if (table == null) {
            error(number, raw, "chain " + name + " declared before any table", "a table header ('*filter' or "
                    + "'Bridge table: filter') first");
            return null;
        }
        Draft d = chains.computeIfAbsent(table + " " + name, k -> new Draft(table, name, number));
        d.policy = policy;
        return d;
    }

    /** The chain a rule or policy names, declared on the spot (with an error) when the file never declared it. */
    private Draft chain(String name, int number, String raw) {
        if (table == null) {
            error(number, raw, "a rule for chain " + name + " before any table", "a table header such as '*filter' first");
            return null;
        }
        Draft d = chains.get(table + " " + name);
        if (d == null) {
            error(number, raw, "chain " + name + " of table " + table + " was not declared", "':" + name
                    + " POLICY' among the table's chain declarations (the rule is kept)");
            d = new Draft(table, name, number);
            d.policy = tool.builtin(table, name) ? "ACCEPT" : "RETURN";
            chains.put(table + " " + name, d);
        }
        return d;
    }

    private void rule(Draft d, String text, int number) {
        String body = SAVED_COUNTERS.matcher(LISTED_COUNTERS.matcher(text).replaceFirst("")).replaceFirst("").strip();
        Matcher target = TARGET.matcher(body);
        d.rules.add(new LinkLayerRule(d.rules.size() + 1, body, target.find() ? target.group(1) : "CONTINUE", number));
    }

    /** A listed chain whose rules fall short of its {@code entries:} count: the listing was cut. */
    private void closeListedChain() {
        if (listedChain != null && listedChain.listedEntries >= 0 && listedChain.listedEntries != listedChain.rules.size()) {
            diags.warning("ebtables-entries", "Bridge chain " + listedChain.name + " says entries: "
                    + listedChain.listedEntries + " but " + listedChain.rules.size() + " rule(s) follow it",
                    "as many rules as the chain's entries count (was the listing cut?)",
                    SourceSpan.line(file, listedChain.line), "Bridge chain: " + listedChain.name);
        }
        listedChain = null;
    }

    private String expectedLine() {
        return tool == LinkLayerTool.EBTABLES
                ? "'*TABLE', ':CHAIN POLICY', '-A CHAIN ...', 'Bridge table: T', 'Bridge chain: C, entries: N, policy: P' or a rule"
                : "'*TABLE', ':CHAIN POLICY', '-A CHAIN ...', 'Chain C (policy P)' or a rule";
    }

    private void error(int number, String raw, String message, String expected) {
        diags.error("bad-" + tool.command() + "-line", message, expected, SourceSpan.line(file, number), raw);
    }

    /** A chain being read. */
    private static final class Draft {
        final String table;
        final String name;
        final int line;
        final List<LinkLayerRule> rules = new ArrayList<>();
        String policy = "ACCEPT";
        int listedEntries = -1;

        Draft(String table, String name, int line) {
            this.table = table;
            this.name = name;
            this.line = line;
        }
    }
}
