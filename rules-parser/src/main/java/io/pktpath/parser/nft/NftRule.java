package io.pktpath.parser.nft;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One rule of an nftables chain, kept as the text nft printed (without its {@code # handle} comment) with its line and
 * handle: pktpath does not evaluate native rules, it only reads what they can do.
 */
public record NftRule(String text, int line, Optional<Long> handle) {
    private static final Pattern DECISIVE = Pattern.compile(
            "(?<![\\w-])(drop|reject|dnat|snat|masquerade|redirect|tproxy|queue)(?![\\w-])");
    private static final Pattern JUMP = Pattern.compile("(?<![\\w-])(?:jump|goto)\\s+\"?([^\\s\",;}]+)\"?");
    private static final Pattern MAP = Pattern.compile("(?<![\\w-])vmap\\s+@([^\\s,;}]+)");
    /** {@code ct status dnat}, {@code ct status { snat, dnat }}: a match on conntrack's NAT bits, not a NAT statement. */
    private static final Pattern CT_STATUS = Pattern.compile("ct\\s+status\\s+(?:!=\\s*)?(?:\\{[^}]*\\}|[\\w,|]+)");

    public NftRule {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(handle, "handle");
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
        Matcher m = JUMP.matcher(text);
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return List.copyOf(out);
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
