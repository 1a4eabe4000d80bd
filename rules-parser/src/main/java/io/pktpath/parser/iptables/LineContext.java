package io.pktpath.parser.iptables;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.SourceSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What a rule line is parsed against: its position, the table, the table's chain declarations, and its warnings. */
final class LineContext {
    /** Declaration lines of the table's chains. */
    interface ChainDeclarations {
        /** The line declaring the chain, if the table declares it anywhere. */
        Optional<Integer> declaredAt(String chain);
    }

    private final String file;
    private final int line;
    private final String text;
    private final String table;
    private final ChainDeclarations chains;
    private final AddressReader addresses;
    private final List<Diagnostic> warnings = new ArrayList<>();

    LineContext(String file, int line, String text, String table, ChainDeclarations chains, AddressReader addresses) {
        this.file = file;
        this.line = line;
        this.text = text;
        this.table = table;
        this.chains = chains;
        this.addresses = addresses;
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
        Optional<Integer> at = chains.declaredAt(chain);
        if (at.isPresent() && at.get() > line) {
            throw new LineError(IptCode.IPT010, column,
                    "chain '" + chain + "' is used before its declaration on line " + at.get(),
                    "chain declarations (:NAME POLICY [p:b]) before the rules of the table");
        }
        return at.isPresent();
    }
}
