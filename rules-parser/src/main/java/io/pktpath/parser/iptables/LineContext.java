package io.pktpath.parser.iptables;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.SourceSpan;
import java.util.ArrayList;
import java.util.List;

/**
 * What a rule line is parsed against: its position, the table, the table's chain declarations, and its warnings; one
 * reader reuses one context line after line ({@link #reset}).
 */
final class LineContext {
    /** Declaration lines of the table's chains. */
    interface ChainDeclarations {
        /** The line declaring the chain, or 0 if the table declares it nowhere. */
        int declaredAt(String chain);

        /**
         * The string the declaration of {@code chain} holds if the last {@link #declaredAt} question was about it and
         * found it declared, so that a rule keeps no copy of the name; else null.
         */
        default String declaredName(String chain) {
            return null;
        }

        /** {@link #declaredAt(String)} for the chain token {@code k} of {@code tokens} names. */
        default int declaredAt(LineTokens tokens, int k) {
            return declaredAt(tokens.text(k));
        }

        /** {@link #declaredName(String)} for the chain token {@code k} of {@code tokens} names. */
        default String declaredName(LineTokens tokens, int k) {
            return declaredName(tokens.text(k));
        }

        /**
         * The text of token {@code k} of {@code tokens}, a chain name: the declaration's own string if it is the chain
         * the rules so far were for or the one declared after it (compared in place, so no new string is made).
         */
        default String chainToken(LineTokens tokens, int k) {
            return tokens.text(k);
        }
    }

    private final Names names;
    private String file;
    private int line;
    private String text;
    private String table;
    private ChainDeclarations chains;
    private AddressReader addresses;
    private List<Diagnostic> warnings = List.of();

    LineContext(String file, int line, String text, String table, ChainDeclarations chains, AddressReader addresses,
                Names names) {
        this.names = names;
        reset(file, line, text, table, chains, addresses);
    }

    /** Makes this the context of another line (one reader reuses one context), with no warnings yet. */
    LineContext reset(String file, int line, String text, String table, ChainDeclarations chains,
                      AddressReader addresses) {
        this.file = file;
        this.line = line;
        this.text = text;
        this.table = table;
        this.chains = chains;
        this.addresses = addresses;
        this.warnings = List.of();
        return this;
    }

    /** An equal string shared with other rules (for strings the model keeps). */
    String share(String s) {
        return names.share(s);
    }

    /** The text of token {@code k}, the chain a rule is for (see {@link ChainDeclarations#chainToken}). */
    String chainToken(LineTokens tokens, int k) {
        return chains.chainToken(tokens, k);
    }

    /** The name of a declared chain as a shared string: the declaration's own string where it is at hand. */
    String shareChain(String chain) {
        String declared = chains.declaredName(chain);
        return declared != null ? declared : names.share(chain);
    }

    /** {@link #shareChain(String)} for the chain token {@code k} of {@code tokens} names. */
    String shareChain(LineTokens tokens, int k) {
        String declared = chains.declaredName(tokens, k);
        return declared != null ? declared : names.share(tokens.text(k));
    }

    /** An equal immutable value shared with other rules (for values the model keeps). */
    <T> T shareValue(T v) {
        return names.shareValue(v);
    }

    /** The per-reader sharing of strings and values. */
    Names names() {
        return names;
    }

    String file() {
        return file;
    }

    int line() {
        return line;
    }

    String text() {
        return text;
    }

    String table() {
        return table;
    }

    AddressReader addresses() {
        return addresses;
    }

    SourceSpan span(int column) {
        return new SourceSpan(file, line, column);
    }

    void warn(IptCode code, int column, String message, String expected) {
        if (warnings.isEmpty()) {
            warnings = new ArrayList<>(2);
        }
        warnings.add(Diagnostic.warning(code.name(), message, expected, span(column), text));
    }

    List<Diagnostic> warnings() {
        return warnings;
    }

    /**
     * Checks that a chain used on this line is declared on an earlier line.
     *
     * @return true if declared earlier; false if declared nowhere
     */
    boolean checkDeclared(String chain, int column) throws LineError {
        return checked(chains.declaredAt(chain), chain, column);
    }

    /** {@link #checkDeclared(String, int)} for the chain token {@code k} of {@code tokens} names, at its column. */
    boolean checkDeclared(LineTokens tokens, int k) throws LineError {
        int at = chains.declaredAt(tokens, k);
        return at <= line ? at > 0 : checked(at, tokens.text(k), tokens.column(k));
    }

    private boolean checked(int at, String chain, int column) throws LineError {
        if (at > line) {
            throw new LineError(IptCode.IPT010, column,
                    "chain '" + chain + "' is used before its declaration on line " + at,
                    "chain declarations (:NAME POLICY [p:b]) before the rules of the table");
        }
        return at > 0;
    }
}
