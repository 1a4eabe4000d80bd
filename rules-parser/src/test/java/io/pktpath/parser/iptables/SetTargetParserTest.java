package io.pktpath.parser.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.target.SetTarget;
import io.pktpath.parser.iptables.target.SetTarget.SetOperand;
import io.pktpath.parser.iptables.target.UnsupportedTarget;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code -j SET} read from rules as iptables-save 1.8.9 prints them (bundles/set-target), and its bad forms. */
class SetTargetParserTest {
    private static Parsed<Ruleset> parse(String table, String rules) {
        return IptablesSaveParser.parse("t", "*" + table + "\n:INPUT ACCEPT [0:0]\n:PREROUTING ACCEPT [0:0]\n" + rules
                + "COMMIT\n");
    }

    /** The rule's target, with no diagnostic and the same text when rendered again. */
    private static SetTarget target(String table, String rule) {
        Parsed<Ruleset> p = parse(table, rule + "\n");
        assertEquals(List.of(), p.diagnostics().stream().map(d -> d.headline()).toList());
        Rule r = p.value().table(table).orElseThrow().rules().get(0);
        assertEquals(rule, RuleRenderer.render(r));
        return (SetTarget) r.target();
    }

    @Test
    void addSetWithTimeout() {
        SetTarget t = target("filter", "-A INPUT -p tcp -m tcp --dport 7001 -j SET --add-set pkp_knock src --timeout 5");
        assertEquals(Optional.of(new SetOperand("pkp_knock", List.of("src"))), t.addSet());
        assertEquals(Optional.empty(), t.delSet());
        assertEquals(Optional.of(5L), t.timeoutSeconds());
        assertFalse(t.exist());
        assertFalse(t.terminating());
    }

    @Test
    void addSetWithExistAndTimeout() {
        SetTarget t = target("filter", "-A INPUT -p tcp -m tcp --dport 7002 -j SET --add-set pkp_knock src --exist --timeout 5");
        assertEquals(new SetTarget(Optional.of(new SetOperand("pkp_knock", List.of("src"))), Optional.empty(),
                Optional.empty(), List.of(), true, Optional.of(5L)), t);
    }

    @Test
    void delSetAndTwoDimensions() {
        assertEquals(Optional.of(new SetOperand("pkp_knock", List.of("src"))),
                target("filter", "-A INPUT -p tcp -m tcp --dport 7009 -j SET --del-set pkp_knock src").delSet());
        assertEquals(Optional.of(new SetOperand("pkp_seen", List.of("src", "dst"))),
                target("filter", "-A INPUT -p tcp -m tcp --dport 2222 -j SET --add-set pkp_seen src,dst").addSet());
        SetTarget both = target("filter", "-A INPUT -j SET --add-set a src --del-set b dst,dst");
        assertEquals("-j SET --add-set a src --del-set b dst,dst", both.render());
    }

    @Test
    void mapSetIsReadWithItsFlags() {
        SetTarget t = target("mangle", "-A PREROUTING -j SET --map-set pkp_map dst --map-mark --map-prio");
        assertEquals(Optional.of(new SetOperand("pkp_map", List.of("dst"))), t.mapSet());
        assertEquals(List.of("--map-mark", "--map-prio"), t.mapOptions());
    }

    @Test
    void badFormsAreReportedWithLineAndColumnAndTheOtherRulesKept() {
        Parsed<Ruleset> p = parse("filter", "-A INPUT -j SET --add-set knock source\n"
                + "-A INPUT -j SET --add-set knock\n"
                + "-A INPUT -j SET --add-set knock src --timeout soon\n"
                + "-A INPUT -j SET --exist\n"
                + "-A INPUT -j SET --add-set knock src,dst,src,dst,src,dst,src\n"
                + "-A INPUT -j SET --del-set knock dst\n");
        assertEquals(List.of(
                "t:4:33: error[IPT015]: 'source' is not a list of set flags (expected: src and/or dst separated by commas,"
                        + " at most 6)",
                "t:5:27: error[IPT015]: option --add-set needs a set name and flags (expected: --add-set NAME src[,dst...])",
                "t:6:47: error[IPT015]: 'soon' is not a SET timeout (expected: a number of seconds from 0 to 2147483)",
                "t:7:13: error[IPT015]: -j SET needs --add-set, --del-set or --map-set (expected: --add-set NAME"
                        + " src[,dst...])",
                "t:8:33: error[IPT015]: 'src,dst,src,dst,src,dst,src' is not a list of set flags (expected: src and/or dst"
                        + " separated by commas, at most 6)"),
                p.diagnostics().stream().map(d -> d.headline()).toList());
        assertEquals(List.of("-j SET --del-set knock dst"),
                p.value().table("filter").orElseThrow().rules().stream().map(r -> r.target().render()).toList());
    }

    @Test
    void anUnknownOptionKeepsTheTargetVerbatimWithAWarning() {
        Parsed<Ruleset> p = parse("filter", "-A INPUT -j SET --add-set knock src --bogus\n");
        assertEquals(List.of("t:4:13: warning[IPT103]: target SET has options this model does not know; kept verbatim"),
                p.diagnostics().stream().map(d -> d.headline()).toList());
        assertEquals(List.of("--add-set", "knock", "src", "--bogus"),
                ((UnsupportedTarget) p.value().table("filter").orElseThrow().rules().get(0).target()).tokens());
    }
}
