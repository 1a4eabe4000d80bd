package io.pktpath.core.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.netfilter.RawEffects;
import io.pktpath.core.netfilter.StateUpdate;
import io.pktpath.core.netfilter.TableResult;
import io.pktpath.core.netfilter.TableVerdict;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Suffixes that commit alike share the first one's table results under one form number; anything that commits
 * differently keeps its own.
 */
class CommitFormsTest {
    private static final RuleRef FORWARD_2 = rule("FORWARD", 2, "-A FORWARD -j KUBE-FORWARD");
    private static final RuleRef KUBE_FORWARD_3 = rule("KUBE-FORWARD", 3, "-A KUBE-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");

    private static RuleRef rule(String chain, int position, String text) {
        return new RuleRef(4, "filter", chain, position, new SourceSpan("iptables-save.txt", position, 1), text);
    }

    private static Packet packet(int sport) {
        return Packet.synthetic(IpFamily.V4, Packet.TCP, IpAddress.v4(0x0af40002), sport, IpAddress.v4(0x0af40105), 8080,
                "cali1", false);
    }

    private static TableResult result(Hook hook, String table, boolean policy, List<RuleRef> hits, int sport,
                                      List<StateUpdate> updates) {
        Packet p = packet(sport);
        return new TableResult(hook, table, hook.name(), true, TableVerdict.ACCEPT, Optional.empty(), p, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), policy, RawEffects.NONE, updates, hits, p.length(),
                List.of());
    }

    /** One flow's suffix tables: mangle PREROUTING (policy), filter FORWARD (two rules hit), mangle POSTROUTING (policy). */
    private static List<TableResult> suffix(int sport, List<RuleRef> forwardHits) {
        return List.of(result(Hook.PREROUTING, "mangle", true, List.of(), sport, List.of()),
                result(Hook.FORWARD, "filter", false, forwardHits, sport, List.of()),
                result(Hook.POSTROUTING, "mangle", true, List.of(), sport, List.of()));
    }

    @Test
    void flowsThatCommitAlikeShareTheFirstFlowsTables() {
        CommitForms forms = new CommitForms();
        List<TableResult> first = suffix(40000, List.of(FORWARD_2, KUBE_FORWARD_3));
        assertSame(first, forms.shared(first).tables());
        List<TableResult> second = suffix(40001, new ArrayList<>(List.of(FORWARD_2, KUBE_FORWARD_3)));
        assertSame(first, forms.shared(suffix(40002, List.of(FORWARD_2, KUBE_FORWARD_3))).tables());
        // the hits are compared by content (a table result keeps any list of hits as an immutable copy)
        assertSame(first, forms.shared(second).tables());
        assertEquals(40000, forms.shared(second).tables().get(1).packet().sport());
        assertEquals(0, forms.shared(second).form(), "the first form is number 0");
        assertEquals(1, forms.size());
    }

    @Test
    void otherHitsOtherPoliciesAndStateUpdatesAreNotShared() {
        CommitForms forms = new CommitForms();
        forms.shared(suffix(40000, List.of(FORWARD_2, KUBE_FORWARD_3))).tables();
        List<TableResult> otherHits = suffix(40001, List.of(FORWARD_2));
        assertSame(otherHits, forms.shared(otherHits).tables());
        List<TableResult> otherPolicy = List.of(result(Hook.PREROUTING, "mangle", false, List.of(), 40002, List.of()),
                result(Hook.FORWARD, "filter", false, List.of(FORWARD_2, KUBE_FORWARD_3), 40002, List.of()),
                result(Hook.POSTROUTING, "mangle", true, List.of(), 40002, List.of()));
        assertSame(otherPolicy, forms.shared(otherPolicy).tables());
        List<TableResult> stateful = List.of(result(Hook.FORWARD, "filter", false, List.of(FORWARD_2), 40003,
                List.of(new StateUpdate.NthAdvance("filter FORWARD 2"))));
        assertSame(stateful, forms.shared(stateful).tables());
        assertEquals(-1, forms.shared(stateful).form(), "a list that changes rule state has no form");
        assertEquals(1, forms.shared(otherHits).form());
        assertEquals(2, forms.shared(otherPolicy).form());
        assertEquals(3, forms.size());
    }

    @Test
    void rulesAtTheSamePlaceWithOtherTextsAreNotShared() {
        CommitForms forms = new CommitForms();
        List<TableResult> first = suffix(40000, List.of(FORWARD_2, KUBE_FORWARD_3));
        forms.shared(first).tables();
        // the same chains and positions (so the same cheap hash), but another rule text at position 3
        RuleRef otherThird = rule("KUBE-FORWARD", 3, "-A KUBE-FORWARD -j DROP");
        List<TableResult> other = suffix(40001, List.of(FORWARD_2, otherThird));
        assertSame(other, forms.shared(other).tables());
        // and a rule equal to the first flow's but another object is still the same form
        RuleRef sameThird = rule("KUBE-FORWARD", 3, KUBE_FORWARD_3.text());
        assertSame(first.get(1).hits().get(0), forms.shared(suffix(40002, List.of(FORWARD_2, sameThird))).tables().get(1).hits().get(0));
        assertEquals(40000, forms.shared(suffix(40003, List.of(FORWARD_2, sameThird))).tables().get(1).packet().sport());
        assertEquals(2, forms.size());
    }

    @Test
    void beyondTheBoundEverySuffixKeepsItsOwnTables() {
        CommitForms forms = new CommitForms();
        for (int i = 0; i < CommitForms.MAX_FORMS; i++) {
            forms.shared(suffix(40000 + i, List.of(rule("FORWARD", i + 1, "-A FORWARD -j X" + i)))).tables();
        }
        assertEquals(CommitForms.MAX_FORMS, forms.size());
        List<TableResult> late = suffix(50000, List.of(rule("FORWARD", 99999, "-A FORWARD -j LATE")));
        assertSame(late, forms.shared(late).tables());
        List<TableResult> lateAgain = suffix(50001, List.of(rule("FORWARD", 99999, "-A FORWARD -j LATE")));
        assertSame(lateAgain, forms.shared(lateAgain).tables());
        assertEquals(-1, forms.shared(lateAgain).form());
        List<TableResult> early = suffix(50002, List.of(rule("FORWARD", 1, "-A FORWARD -j X0")));
        assertEquals(40000, forms.shared(early).tables().get(1).packet().sport());
    }
}
