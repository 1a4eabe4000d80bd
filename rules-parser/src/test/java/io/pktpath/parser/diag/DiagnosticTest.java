package io.pktpath.parser.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Compiler-style formatting of diagnostics and the collector. */
class DiagnosticTest {
    @Test
    void formatsHeadlineLineAndCaret() {
        Diagnostic d = Diagnostic.error("IPT006", "'1.2.3' is not an IPv4 address", "10.0.0.1",
                new SourceSpan("f", 3, 7), "-A X\t-s 1.2.3");
        assertEquals("f:3:7: error[IPT006]: '1.2.3' is not an IPv4 address (expected: 10.0.0.1)", d.headline());
        assertEquals("f:3:7: error[IPT006]: '1.2.3' is not an IPv4 address (expected: 10.0.0.1)\n"
                + "    -A X -s 1.2.3\n          ^", d.format());
        assertEquals("f:3: warning[W]: m", Diagnostic.warning("W", "m", "", SourceSpan.line("f", 3), "").format());
        assertEquals("f: note[N]: m", Diagnostic.note("N", "m", new SourceSpan("f", 0, 0)).format());
    }

    @Test
    void collectorAndParsed() {
        Diagnostics all = new Diagnostics();
        all.warning("W1", "w", "", SourceSpan.line("f", 1), "x");
        assertFalse(all.hasErrors());
        all.error("E1", "e", "", SourceSpan.line("f", 2), "y");
        assertTrue(all.hasErrors());
        Parsed<String> p = new Parsed<>("v", all.toList());
        assertEquals(List.of("E1"), p.errors().stream().map(Diagnostic::code).toList());
        assertEquals(2, all.size());
    }
}
