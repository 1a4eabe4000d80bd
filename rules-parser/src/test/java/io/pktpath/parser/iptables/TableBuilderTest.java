package io.pktpath.parser.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.iptables.model.Counters;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Table;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link TableBuilder} answers declaration questions from its chains once every scanned declaration line has declared
 * its chain, and from the scan before; remembered answers change with a new declaration; rules are numbered by place.
 */
class TableBuilderTest {
    private static final String TABLE = "*filter\n:INPUT ACCEPT [0:0]\n:KUBE-A - [0:0]\n:KUBE-B - [0:0]\n"
            + "-A INPUT -j KUBE-B\n-A KUBE-A -j DNAT\nCOMMIT\n";
    private static final String[] LINES = TABLE.split("\n", -1);

    private static TableBuilder builder() {
        return new TableBuilder("filter", new SourceSpan("t", 1, 1), new ScannedDeclarations(LINES, 1, new Names()));
    }

    private static TableBuilder.ChainBuilder chain(String name, int line) {
        return new TableBuilder.ChainBuilder(name, Optional.empty(), Counters.ZERO, new SourceSpan("t", line, 1));
    }

    @Test
    void answersFromTheScanUntilEveryDeclarationLineHasDeclared() {
        TableBuilder table = builder();
        assertEquals(4, table.declaredAt("KUBE-B"), "declared later, as the scan finds");
        table.declare(chain("INPUT", 2));
        table.declare(chain("KUBE-A", 3));
        assertEquals(4, table.declaredAt("KUBE-B"));
        assertEquals(3, table.declaredAt("KUBE-A"));
        table.declare(chain("KUBE-B", 4));
        assertEquals(4, table.declaredAt("KUBE-B"));
        assertEquals(0, table.declaredAt("DNAT"));
        assertEquals(0, table.declaredAt("DNAT"), "asked again (remembered as undeclared)");
    }

    @Test
    void aNewChainEndsTheRememberedUndeclaredAnswers() {
        TableBuilder table = builder();
        table.declare(chain("INPUT", 2));
        table.declare(chain("KUBE-A", 3));
        table.declare(chain("KUBE-B", 4));
        String extra = "EXTRA";
        assertEquals(0, table.declaredAt(extra));
        table.declare(chain(extra, 6));
        assertEquals(6, table.declaredAt(extra));
    }

    @Test
    void aDeclarationOnAnotherLineThanScannedKeepsTheScanInUse() {
        TableBuilder table = builder();
        table.declare(chain("INPUT", 2));
        table.declare(chain("KUBE-A", 9));
        table.declare(chain("KUBE-B", 4));
        assertEquals(9, table.declaredAt("KUBE-A"), "its chain first");
        assertEquals(0, table.declaredAt("NONE"));
    }

    @Test
    void findsChainsInAnyOrder() {
        TableBuilder table = builder();
        table.declare(chain("INPUT", 2));
        table.declare(chain("KUBE-A", 3));
        table.declare(chain("KUBE-B", 4));
        for (String name : List.of("KUBE-B", "INPUT", "KUBE-A", "KUBE-B", "KUBE-A", "INPUT", "INPUT")) {
            assertEquals(name, table.declared(name).name);
            assertEquals(name, table.chain(name).get().name);
        }
        assertNull(table.declared("NONE"));
        assertEquals(Optional.empty(), table.chain("NONE"));
    }

    @Test
    void namesTheDeclaredStringOfTheChainLastAskedAbout() {
        TableBuilder table = builder();
        String declared = "KUBE-A";
        table.declare(chain(declared, 3));
        String asked = new String("KUBE-A");
        assertEquals(3, table.declaredAt(asked));
        assertSame(declared, table.declaredName(asked));
        assertNull(table.declaredName("KUBE-B"), "not the chain last asked about");
        assertEquals(0, table.declaredAt("DNAT"));
        assertNull(table.declaredName("DNAT"));
    }

    @Test
    void readsTheChainOfARuleAsTheDeclaredStringWhenItIsTheLastOrNextChain() throws Exception {
        TableBuilder table = builder();
        String input = "INPUT";
        String a = "KUBE-A";
        String b = "KUBE-B";
        table.declare(chain(input, 2));
        table.declare(chain(a, 3));
        table.declare(chain(b, 4));
        LineTokens tokens = new LineTokens(new Names());
        tokens.read("-A KUBE-A -j ACCEPT");
        assertEquals("KUBE-A", table.chainToken(tokens, 1), "no chain found yet: the token's own text");
        table.declared(input);
        assertSame(a, table.chainToken(tokens, 1), "the chain declared after the last one");
        table.declared(a);
        assertSame(a, table.chainToken(tokens, 1), "the last chain");
        tokens.read("-A KUBE-AB -j ACCEPT");
        assertEquals("KUBE-AB", table.chainToken(tokens, 1));
        tokens.read("-A \"KUBE-A\" -j ACCEPT");
        assertEquals("KUBE-A", table.chainToken(tokens, 1), "a quoted token is unquoted, not compared in place");
        tokens.read("-A INPUT -j ACCEPT");
        assertEquals("INPUT", table.chainToken(tokens, 1), "neither the last nor the next chain");
    }

    @Test
    void numbersRulesByTheirPlaceAfterAnInsert() {
        TableBuilder table = builder();
        TableBuilder.ChainBuilder input = chain("INPUT", 2);
        table.declare(input);
        input.rules.add(rule(1, 5));
        input.rules.add(rule(2, 6));
        assertEquals(List.of(1, 2), positions(table.build()));
        input.insert(0, rule(0, 7));
        assertEquals(List.of(1, 2, 3), positions(table.build()));
        assertEquals(List.of(7, 5, 6), table.build().chains().get(0).rules().stream().map(r -> r.span().line()).toList());
    }

    private static Rule rule(int position, int line) {
        return new Rule("filter", "INPUT", position, SourceSpan.line("t", line), "-A INPUT", List.of(),
                new io.pktpath.parser.iptables.target.Accept(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static List<Integer> positions(Table table) {
        return table.chains().get(0).rules().stream().map(Rule::position).toList();
    }
}
