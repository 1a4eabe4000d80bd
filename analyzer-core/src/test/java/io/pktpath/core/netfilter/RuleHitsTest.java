package io.pktpath.core.netfilter;

import static io.pktpath.core.netfilter.Fixtures.compile;
import static io.pktpath.core.netfilter.Fixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.parser.iptables.model.Counters;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Counters kept by rule number give exactly what counters kept by rule reference give, and both kinds add up. */
class RuleHitsTest {
    private static final String RULES = table("filter", ":INPUT DROP [0:0]", ":X - [0:0]",
            "-A INPUT -j X", "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT", "-A INPUT -p udp -j ACCEPT",
            "-A X -p udp -j RETURN", "-A X -p tcp -m tcp --dport 23 -j DROP");

    private static List<Packet> packets() {
        List<Packet> out = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Pkt p = i % 3 == 0 ? Pkt.udp("10.0.0.2", 1000 + i, "10.0.0.9", 53)
                    : Pkt.tcp("10.0.0.2", 1000 + i, "10.0.0.9", 21 + i % 3);
            p.length = 60 + i;
            out.add(p.build());
        }
        return out;
    }

    /** The same result with its hits as a plain list (no rule numbers). */
    private static TableResult unnumbered(TableResult r) {
        return new TableResult(r.hook(), r.table(), r.chain(), r.chainPresent(), r.verdict(), r.rejectWith(), r.packet(),
                r.ct(), r.nat(), r.decidingRule(), r.decidingTarget(), r.policyApplied(), r.raw(), r.stateUpdates(),
                new ArrayList<>(r.hits()), r.bytes(), r.notes());
    }

    @Test
    void numberedAndUnnumberedCountersAgreeAndAddUp() {
        CompiledRuleset a = compile(RULES);
        CompiledRuleset b = compile(RULES);
        RuleHits numbered = new RuleHits();
        RuleHits plain = new RuleHits();
        RuleHits mixed = new RuleHits();
        for (Packet p : packets()) {
            TableResult r = Fixtures.walk(a, Hook.INPUT, "filter", p).result();
            TableResult other = Fixtures.walk(b, Hook.INPUT, "filter", p).result();
            assertInstanceOf(HitList.class, r.hits());
            assertEquals(r.hits(), other.hits());
            numbered.commit(r, 4);
            plain.commit(unnumbered(r), 4);
            mixed.commit(r, 4);
            mixed.commit(other, 4);
            mixed.commit(unnumbered(r), 4);
        }
        List<RuleRef> rules = plain.hitRules();
        assertEquals(List.of("filter INPUT #1", "filter INPUT #2", "filter INPUT #3", "filter X #1", "filter X #2"),
                rules.stream().map(RuleRef::label).toList());
        assertEquals(rules, numbered.hitRules());
        assertEquals(rules, mixed.hitRules());
        for (RuleRef rule : rules) {
            Counters c = plain.rule(rule);
            assertEquals(c, numbered.rule(rule), rule.label());
            assertEquals(new Counters(3 * c.packets(), 3 * c.bytes()), mixed.rule(rule), rule.label());
        }
        assertEquals(new Counters(30, 30 * 60 + 435), numbered.rule(rules.get(0)), "every packet jumps to X");
        assertEquals(new Counters(10, 10 * 60 + 135), numbered.rule(rules.get(3)), "udp returns from X");
    }

    @Test
    void walksThatHitTheSameRulesShareOneList() {
        CompiledRuleset rs = compile(RULES);
        List<Packet> packets = packets();
        TableResult first = Fixtures.walk(rs, Hook.INPUT, "filter", packets.get(0)).result();
        TableResult again = Fixtures.walk(rs, Hook.INPUT, "filter", packets.get(3)).result();
        TableResult tcp = Fixtures.walk(rs, Hook.INPUT, "filter", packets.get(1)).result();
        assertSame(first.hits(), again.hits(), "two udp packets: INPUT #1, X #1, INPUT #3");
        assertEquals(List.of("filter INPUT #1", "filter X #1", "filter INPUT #3"),
                first.hits().stream().map(RuleRef::label).toList());
        assertNotSame(first.hits(), tcp.hits());
        TableResult other = Fixtures.walk(compile(RULES), Hook.INPUT, "filter", packets.get(0)).result();
        assertEquals(first.hits(), other.hits());
        assertNotSame(first.hits(), other.hits(), "each ruleset shares its own lists");
    }

    /** The hash a hit list's numbers keep as rules are added is the one {@link java.util.Arrays} computes. */
    @Test
    void hitListNumbersHashAsArraysDo() {
        CompiledRuleset rs = compile(RULES);
        for (Packet p : packets()) {
            HitList hits = (HitList) Fixtures.walk(rs, Hook.INPUT, "filter", p).result().hits();
            assertEquals(java.util.Arrays.hashCode(hits.numbers().values()), hits.numbers().hashCode());
            assertEquals(hits.size(), hits.numbers().values().length);
        }
        HitList none = HitList.empty(new RuleNumbering());
        assertEquals(java.util.Arrays.hashCode(new int[0]), none.numbers().hashCode());
    }

    @Test
    void countsCommittedAfterAQueryShowInTheNextQuery() {
        CompiledRuleset rs = compile(RULES);
        RuleHits hits = new RuleHits();
        Packet udp = Pkt.udp("10.0.0.2", 1, "10.0.0.9", 53).build();
        TableResult r = Fixtures.walk(rs, Hook.INPUT, "filter", udp).result();
        hits.commit(r, 4);
        RuleRef jump = hits.hitRules().get(0);
        assertEquals(new Counters(1, 60), hits.rule(jump));
        hits.commit(r, 4, 100);
        assertEquals(new Counters(2, 160), hits.rule(jump));
        assertEquals(Counters.ZERO, hits.policy(4, "filter", "INPUT"));
    }

    /**
     * Packets counted by form (one packet and byte count per form and family, added to the counters when read) give
     * the counters that committing each table result of the form gives, read halfway and at the end.
     */
    @Test
    void formsCountAsTheirTableResultsDo() {
        CompiledRuleset rs = compile(RULES);
        RuleHits direct = new RuleHits();
        RuleHits byForm = new RuleHits();
        java.util.Map<List<RuleRef>, Integer> formOf = new java.util.HashMap<>();
        List<List<TableResult>> forms = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Pkt p = switch (i % 4) {
                case 0 -> Pkt.udp("10.0.0.2", 1000 + i, "10.0.0.9", 53);
                case 1 -> Pkt.tcp("10.0.0.2", 1000 + i, "10.0.0.9", 22);
                case 2 -> Pkt.tcp("10.0.0.2", 1000 + i, "10.0.0.9", 23);
                default -> Pkt.tcp("10.0.0.2", 1000 + i, "10.0.0.9", 80);
            };
            p.length = 60 + i;
            Packet packet = p.build();
            TableResult r = Fixtures.walk(rs, Hook.INPUT, "filter", packet).result();
            int form = formOf.computeIfAbsent(r.hits(), h -> {
                forms.add(List.of(r, unnumbered(r)));
                return forms.size() - 1;
            });
            int family = i < 20 ? 4 : 6;
            for (TableResult t : forms.get(form)) {
                direct.commit(t, family, packet.length());
            }
            byForm.commitForm(form, forms.get(form), family, packet.length());
            if (i == 17) {
                assertEquals(direct.hitRules(), byForm.hitRules());
                assertEquals(direct.policy(4, "filter", "INPUT"), byForm.policy(4, "filter", "INPUT"));
            }
        }
        assertEquals(4, forms.size(), "udp, ssh, telnet and the rest each hit rules of their own");
        List<RuleRef> rules = direct.hitRules();
        assertEquals(rules, byForm.hitRules());
        for (RuleRef rule : rules) {
            assertEquals(direct.rule(rule), byForm.rule(rule), rule.label());
        }
        // port 80 falls through to the DROP policy: i = 3, 7, ..., 19 as family 4, 23, ..., 39 as 6, twice per form
        assertEquals(new Counters(10, 2 * (5 * 60 + 55)), byForm.policy(4, "filter", "INPUT"));
        assertEquals(new Counters(10, 2 * (5 * 60 + 155)), byForm.policy(6, "filter", "INPUT"));
        assertEquals(direct.policy(6, "filter", "INPUT"), byForm.policy(6, "filter", "INPUT"));
        assertEquals(new Counters(40 * 2, 2 * (40 * 60 + 780)), byForm.rule(rules.get(0)), "every packet jumps to X");
        // a family without slots of its own is counted at once, table by table, as commit counts it
        byForm.commitForm(3, forms.get(3), 0, 100);
        for (TableResult t : forms.get(3)) {
            direct.commit(t, 0, 100);
        }
        for (int family : new int[] {0, 4, 6}) {
            assertEquals(direct.policy(family, "filter", "INPUT"), byForm.policy(family, "filter", "INPUT"));
        }
        assertEquals(new Counters(10, 2 * (5 * 60 + 55)), byForm.policy(4, "filter", "INPUT"));
        assertEquals(direct.rule(rules.get(0)), byForm.rule(rules.get(0)));
    }
}
