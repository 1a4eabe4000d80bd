package io.pktpath.parser.iptables;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.SourceSpan;
import java.util.ArrayList;
import java.util.List;

/** What a rule line is parsed against: its position, the table, the table's chain declarations, and its warnings. */
final class LineContext {
    /** Declaration lines of the table's chains. */
    interface ChainDeclarations {
        /** The line declaring the chain, or 0 if the table declares it nowhere. */
        int declaredAt(String chain);
    }

    private final String file;
    private final int line;
    private final String text;
    private final String table;
    private final ChainDeclarations chains;
    private final AddressReader addresses;
    private final Names names;
    private List<Diagnostic> warnings = List.of();

    LineContext(String file, int line, String text, String table, ChainDeclarations chains, AddressReader addresses,
                Names names) {
        this.file = file;
        this.line = line;
        this.text = text;
        this.table = table;
        this.chains = chains;
        this.addresses = addresses;
        this.names = names;
    }

    /** An equal string shared with other rules (for strings the model keeps). */
    String share(String s) {
        return names.share(s);
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
        int at = chains.declaredAt(chain);
        if (at > line) {
            throw new LineError(IptCode.IPT010, column,
                    "chain '" + chain + "' is used before its declaration on line " + at,
                    "chain declarations (:NAME POLICY [p:b]) before the rules of the table");
        }
        return at > 0;
    }
}
