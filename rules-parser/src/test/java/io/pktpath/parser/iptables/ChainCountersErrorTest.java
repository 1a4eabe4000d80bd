package io.pktpath.parser.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.iptables.model.Counters;
import io.pktpath.parser.iptables.model.Ruleset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A chain line whose counters lack the opening bracket ({@code :0:0]}, found by the damaged copies of
 * {@link RecordedDigestsTest}) is an error on its line, not an exception; the chain is still declared.
 */
class ChainCountersErrorTest {
    @Test
    void countersWithoutOpeningBracketAreAnError() {
        Parsed<Ruleset> parsed = IptablesSaveParser.parse("t.rules",
                "*filter\n:INPUT ACCEPT :0:0]\n:KUBE-A - 0:0]\n-A INPUT -j KUBE-A\nCOMMIT\n");
        assertEquals(List.of(
                "t.rules:2:15: error[IPT015]: ':0:0]' is not a counter pair (expected: [packets:bytes], such as [0:0])",
                "t.rules:3:11: error[IPT015]: '0:0]' is not a counter pair (expected: [packets:bytes], such as [0:0])"),
                parsed.diagnostics().stream().map(Diagnostic::headline).toList());
        var filter = parsed.value().table("filter").orElseThrow();
        assertEquals(List.of("INPUT", "KUBE-A"), filter.chains().stream().map(c -> c.name()).toList());
        assertEquals(Counters.ZERO, filter.chain("INPUT").orElseThrow().counters());
        assertEquals(1, filter.chain("INPUT").orElseThrow().rules().size());
    }
}
