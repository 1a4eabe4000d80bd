package io.pktpath.parser.nft;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One rule of an nftables chain, kept as the text nft printed (without its {@code # handle} comment) with its line,
 * its column (0 in a listing, where the line says it all; where its object starts in {@code nft -j}'s one-line
 * document) and its handle: pktpath does not evaluate native rules, it only reads what they can do.
 */
public record NftRule(String text, int line, int column, Optional<Long> handle) {
    private static final Pattern DECISIVE = Pattern.compile(
            "(?<![\\w-])(drop|reject|dnat|snat|masquerade|redirect|tproxy|queue)(?![\\w-])");
    private static final Pattern MAP = Pattern.compile("(?<![\\w-])vmap\\s+@([^\\s,;}]+)");
    /** {@code ct status dnat}, {@code ct status { snat, dnat }}: a match on conntrack's NAT bits, not a NAT statement. */
    private static final Pattern CT_STATUS = Pattern.compile("ct\\s+status\\s+(?:!=\\s*)?(?:\\{[^}]*\\}|[\\w,|]+)");

    public NftRule {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(handle, "handle");
    }

    /** A rule of a listing, where its line alone says where it is. */
    public NftRule(String text, int line, Optional<Long> handle) {
        this(text, line, 0, handle);
    }

    /** Where the rule is in {@code file}: {@code file:line}, or {@code file:line:column} when a column is known. */
    public String at(String file) {
        return file + ":" + line + (column > 0 ? ":" + column : "");
    }

    /**
     * The statements of this rule that can end or rewrite a packet ({@code drop}, {@code reject}, {@code dnat},
     * {@code snat}, {@code masquerade}, {@code redirect}, {@code tproxy}, {@code queue}), in order, each once; quoted
     * text (comments, interface names) is not read.
     */
    public List<String> decisiveStatements() {
        Matcher m = DECISIVE.matcher(CT_STATUS.matcher(unquoted()).replaceAll("ct status"));
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return List.copyOf(out);
    }

    /** The chains this rule jumps or goes to (an anonymous verdict map's targets too). */
    public List<String> jumpTargets() {
        return targets(text);
    }

    /** The chains a piece of nft text jumps or goes to, in order, each once. */
    static List<String> targets(String text) {
        // what (?<![\w-])(?:jump|goto)\s+"?([^\s",;}]+)"? finds, scanned from each "jump" and "goto" instead of trying
        // the regex's look-behind at every position of the text (NftTextScansTest holds the two equal)
        java.util.LinkedHashSet<String> out = null;
        int from = 0;
        // the next "jump" and "goto" at or after from, each searched again only once from has passed it (a map's
        // listing of thousands of gotos holds no jump: searching it whole for each goto would be quadratic)
        int jump = -2;
        int go = -2;
        while (true) {
            if (jump != -1 && jump < from) {
                jump = text.indexOf("jump", from);
            }
            if (go != -1 && go < from) {
                go = text.indexOf("goto", from);
            }
            int at = jump < 0 ? go : go < 0 ? jump : Math.min(jump, go);
            if (at < 0) {
                return out == null ? List.of() : List.copyOf(out);
            }
            from = at + 1;
            if (at > 0 && isWordOrDash(text.charAt(at - 1))) {
                continue;
            }
            int i = at + 4;
            int spaces = i;
            while (i < text.length() && isRegexSpace(text.charAt(i))) {
                i++;
            }
            if (i == spaces) {
                continue;
            }
            if (i < text.length() && text.charAt(i) == '"') {
                i++;
            }
            int nameStart = i;
            while (i < text.length() && !endsTarget(text.charAt(i))) {
                i++;
            }
            if (i == nameStart) {
                continue;
            }
            if (out == null) {
                out = new java.util.LinkedHashSet<>(4);
            }
            out.add(text.substring(nameStart, i));
            from = i < text.length() && text.charAt(i) == '"' ? i + 1 : i;
        }
    }

    /** {@code [\w-]} of a regex: an ASCII letter or digit, {@code _} or {@code -}. */
    private static boolean isWordOrDash(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-';
    }

    /** {@code \s} of a regex: {@code [ \t\n\x0B\f\r]}. */
    static boolean isRegexSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    /** A character that ends a chain name after {@code jump}: white space, {@code "}, {@code ,}, {@code ;} or <code>}</code>. */
    private static boolean endsTarget(char c) {
        return isRegexSpace(c) || c == '"' || c == ',' || c == ';' || c == '}';
    }

    /** The named verdict maps this rule looks up ({@code vmap @service-ips}). */
    public List<String> mapReferences() {
        Matcher m = MAP.matcher(text);
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return List.copyOf(out);
    }

    private String unquoted() {
        return text.replaceAll("\"[^\"]*\"", "\"\"");
    }
}
