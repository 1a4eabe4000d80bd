package io.pktpath.parser.iptables;

/** The stable codes of the iptables-save parser's diagnostics, each with a one-line meaning. */
public enum IptCode {
    IPT001("the input is binary (NUL bytes or control characters), not an iptables-save dump"),
    IPT002("a chain, rule or COMMIT line appears outside a table (before any *table header or after COMMIT)"),
    IPT003("a *table header names a table iptables does not have; its body is skipped"),
    IPT004("a table is not closed by COMMIT (truncated file, or a new header before COMMIT)"),
    IPT005("a double quote is never closed"),
    IPT006("an address or prefix is malformed or of the wrong family"),
    IPT007("a port or port range is malformed"),
    IPT008("a statistic probability is malformed or outside 0..1"),
    IPT009("-j/-g names neither a chain of the table nor a known target"),
    IPT010("a chain is used (by -A, -j or -g) on a line before its declaration"),
    IPT011("a chain is declared twice in one table"),
    IPT012("a rule is appended to a chain the table never declares"),
    IPT013("a chain declaration line is malformed"),
    IPT014("a line is not a comment, table header, chain declaration, rule or COMMIT"),
    IPT015("an option value is missing or malformed"),
    IPT016("an option belongs to no match loaded in the rule"),
    IPT101("the dump warns that iptables-legacy tables are also active; their rules are not in this dump"),
    IPT102("a match is not modeled (or has an option that is not); it is kept verbatim and evaluates as unknown"),
    IPT103("a target is not modeled (or has an option that is not); it is kept verbatim"),
    IPT104("an iptables-restore command other than -A (-I/-D/-R/-N/-X/-F/-Z/-P) was read"),
    IPT105("a -4/-6 rule for the other family is skipped by iptables-restore and excluded from evaluation"),
    IPT106("the kernel refuses this rule in this table or chain; a real dump should not contain it"),
    IPT107("the dump says a table is incompatible (native nft rules); those rules are missing"),
    IPT108("a comment of several unquoted words (not iptables-save output; iptables-restore rejects it) is read as one");

    private final String meaning;

    IptCode(String meaning) {
        this.meaning = meaning;
    }

    /** One line: what the diagnostic means. */
    public String meaning() {
        return meaning;
    }
}
