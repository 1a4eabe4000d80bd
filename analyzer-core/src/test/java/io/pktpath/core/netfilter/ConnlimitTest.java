package io.pktpath.core.netfilter;

import static io.pktpath.core.netfilter.Fixtures.compile;
import static io.pktpath.core.netfilter.Fixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.ConntrackFacts;
import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.core.trace.Tuple;
import io.pktpath.core.trace.UndecidedStep;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code -m connlimit} counts, per rule and per (masked) address, the connections it saw that conntrack still holds
 * and that are not closing; the walk only reads the count, the commit keeps the list.
 */
class ConnlimitTest {
    private static final long SEC = 1_000_000_000L;
    private static final String WEB = "10.0.0.9";

    /** A conntrack table the test opens, closes and forgets connections in. */
    private static final class Table implements ConntrackFacts {
        final Map<Tuple, Presence> held = new HashMap<>();

        @Override
        public Presence presence(Tuple tuple, int icmpType, int zone, long timeNanos) {
            return held.getOrDefault(tuple, Presence.ABSENT);
        }

        void close(Packet syn) {
            held.put(syn.tuple(), Presence.CLOSED);
        }

        void forget(Packet syn) {
            held.remove(syn.tuple());
        }
    }

    /** Sends SYNs through filter FORWARD one at a time; an accepted one's connection is confirmed, as conntrack does. */
    private static final class Replay {
        final CompiledRuleset rules;
        final Table conntrack = new Table();
        final RuleState state = new RuleState();
        final List<List<String>> notes = new ArrayList<>();
        long now;

        Replay(String... rules) {
            List<String> lines = new ArrayList<>(List.of(":FORWARD ACCEPT [0:0]"));
            lines.addAll(List.of(rules));
            this.rules = compile(table("filter", lines.toArray(String[]::new)));
        }

        TableResult walk(Packet p) {
            List<TraceStep> steps = new ArrayList<>();
            WalkContext ctx = new WalkContext(Fixtures.Facts.of(), conntrack, ChoiceOracle.FIRST, state, steps, false,
                    new ArrayList<>());
            CtInfo ct = new CtInfo(CtState.NEW, false, 0, Set.of(), p.tuple(), Optional.of(p.tuple().inverse()), 0, 0, 0);
            TableResult r = rules.walk(Hook.FORWARD, "filter", p, Optional.of(ct), ctx);
            assertEquals(List.of(), steps.stream().filter(UndecidedStep.class::isInstance).toList(),
                    "connlimit is decided without the oracle");
            return r;
        }

        TableVerdict send(Packet p) {
            TableResult r = walk(p);
            notes.add(r.notes());
            state.commit(r.stateUpdates());
            if (r.verdict() == TableVerdict.ACCEPT) {
                conntrack.held.put(p.tuple(), ConntrackFacts.Presence.OPEN);
            }
            return r.verdict();
        }

        Packet syn(String src, int sport) {
            return syn(src, sport, WEB);
        }

        Packet syn(String src, int sport, String dst) {
            now += SEC / 5;
            return Pkt.tcp(src, sport, dst, 9090).in("eth0").out("eth1").at(now).build();
        }
    }

    @Test
    void aboveCountsLiveConnectionsAndTheNewOneButNotClosedGoneOrRejectedOnes() {
        Replay r = new Replay("-A FORWARD -p tcp -m connlimit --connlimit-above 2 --connlimit-mask 32 --connlimit-saddr"
                + " -j REJECT --reject-with tcp-reset");
        Packet c1 = r.syn("10.0.0.1", 1001);
        Packet c2 = r.syn("10.0.0.1", 1002);
        Packet c3 = r.syn("10.0.0.1", 1003);
        assertEquals(List.of(TableVerdict.ACCEPT, TableVerdict.ACCEPT, TableVerdict.REJECT),
                List.of(r.send(c1), r.send(c2), r.send(c3)));
        assertEquals(List.of("connlimit of filter FORWARD #1: no earlier connection of 10.0.0.1/32 in this replay"
                + " (connections counted at capture start unknown)"), r.notes.get(0));
        assertEquals(List.of(), r.notes.get(1));
        // the rejected c3 was never confirmed; c1 in TIME_WAIT no longer counts: c2 and c4
        r.conntrack.close(c1);
        Packet c4 = r.syn("10.0.0.1", 1004);
        assertEquals(TableVerdict.ACCEPT, r.send(c4));
        // another source has its own count
        assertEquals(TableVerdict.ACCEPT, r.send(r.syn("10.0.0.2", 2001)));
        assertEquals(TableVerdict.REJECT, r.send(r.syn("10.0.0.1", 1005)));
        // c2 gone from conntrack (expired or reset): c4 and c6, then a third
        r.conntrack.forget(c2);
        assertEquals(List.of(TableVerdict.ACCEPT, TableVerdict.REJECT),
                List.of(r.send(r.syn("10.0.0.1", 1006)), r.send(r.syn("10.0.0.1", 1007))));
    }

    @Test
    void uptoMatchesUpToTheLimitAndNegatedAboveIsTheSame() {
        for (String option : List.of("--connlimit-upto 2", "! --connlimit-above 2")) {
            Replay r = new Replay("-A FORWARD -p tcp -m connlimit " + option + " --connlimit-mask 32 --connlimit-saddr"
                    + " -j ACCEPT", "-A FORWARD -p tcp -j REJECT --reject-with tcp-reset");
            assertEquals(List.of(TableVerdict.ACCEPT, TableVerdict.ACCEPT, TableVerdict.REJECT),
                    List.of(r.send(r.syn("10.0.0.1", 1)), r.send(r.syn("10.0.0.1", 2)), r.send(r.syn("10.0.0.1", 3))),
                    option);
        }
    }

    @Test
    void aSecondLookAtAListedConnectionDoesNotCountItTwice() {
        Replay r = new Replay("-A FORWARD -p tcp -m connlimit --connlimit-above 1 --connlimit-mask 32 --connlimit-saddr"
                + " -j DROP");
        Packet c1 = r.syn("10.0.0.1", 1);
        assertEquals(TableVerdict.ACCEPT, r.send(c1));
        assertEquals(TableVerdict.ACCEPT, r.send(c1), "a retransmitted SYN of a confirmed connection");
        assertEquals(TableVerdict.DROP, r.send(r.syn("10.0.0.1", 2)));
    }

    @Test
    void aMaskOf24GroupsTheSourcesOfOneSubnet() {
        Replay r = new Replay("-A FORWARD -p tcp -m connlimit --connlimit-above 1 --connlimit-mask 24 --connlimit-saddr"
                + " -j DROP");
        assertEquals(List.of(TableVerdict.ACCEPT, TableVerdict.DROP, TableVerdict.ACCEPT),
                List.of(r.send(r.syn("10.0.0.1", 1)), r.send(r.syn("10.0.0.200", 1)), r.send(r.syn("10.0.1.1", 1))));
        assertEquals(List.of("connlimit of filter FORWARD #1: no earlier connection of 10.0.1.0/24 in this replay"
                + " (connections counted at capture start unknown)"), r.notes.get(2));
    }

    @Test
    void daddrCountsPerDestination() {
        Replay r = new Replay("-A FORWARD -p tcp -m connlimit --connlimit-above 1 --connlimit-mask 32 --connlimit-daddr"
                + " -j DROP");
        assertEquals(List.of(TableVerdict.ACCEPT, TableVerdict.DROP, TableVerdict.ACCEPT),
                List.of(r.send(r.syn("10.0.0.1", 1, WEB)), r.send(r.syn("10.0.0.2", 1, WEB)),
                        r.send(r.syn("10.0.0.1", 2, "10.0.0.10"))));
    }

    @Test
    void eachRuleKeepsItsOwnList() {
        Replay r = new Replay(
                "-A FORWARD -p tcp -m tcp --dport 9090 -m connlimit --connlimit-above 1 --connlimit-mask 32 -j DROP",
                "-A FORWARD -p tcp -m tcp --dport 9091 -m connlimit --connlimit-above 1 --connlimit-mask 32 -j DROP");
        assertEquals(TableVerdict.ACCEPT, r.send(r.syn("10.0.0.1", 1)));
        Packet other = Pkt.tcp("10.0.0.1", 2, WEB, 9091).at(SEC).build();
        assertEquals(TableVerdict.ACCEPT, r.send(other), "the 9091 rule never counted the 9090 connection");
        assertEquals(TableVerdict.DROP, r.send(r.syn("10.0.0.1", 3)));
    }

    @Test
    void aWalkChangesNoListUntilCommitted() {
        Replay r = new Replay("-A FORWARD -p tcp -m connlimit --connlimit-above 2 --connlimit-mask 32 -j DROP");
        assertEquals(TableVerdict.ACCEPT, r.send(r.syn("10.0.0.1", 1)));
        Packet walkedOnly = r.syn("10.0.0.1", 2);
        for (int i = 0; i < 3; i++) {
            TableResult walked = r.walk(walkedOnly);
            assertEquals(TableVerdict.ACCEPT, walked.verdict());
            assertEquals(1, walked.stateUpdates().size());
        }
        // conntrack holds it (confirmed on another path), but this rule never counted it
        r.conntrack.held.put(walkedOnly.tuple(), ConntrackFacts.Presence.OPEN);
        assertEquals(TableVerdict.ACCEPT, r.send(r.syn("10.0.0.1", 3)));
        assertEquals(TableVerdict.DROP, r.send(r.syn("10.0.0.1", 4)));
    }

    @Test
    void explainsTheCountWhenTheRuleDoesNotMatch() {
        CompiledRuleset rs = compile(table("filter", ":FORWARD ACCEPT [0:0]",
                "-A FORWARD -p tcp -m connlimit --connlimit-above 2 --connlimit-mask 32 --connlimit-saddr -j DROP"));
        Fixtures.Walked w = Fixtures.walk(rs, Hook.FORWARD, "filter", Pkt.tcp("10.0.0.1", 1, WEB, 80).build(),
                Optional.empty(), Fixtures.Facts.of(), ChoiceOracle.FIRST, new RuleState(), true);
        assertEquals(List.of("filter FORWARD #1: -m connlimit --connlimit-above 2 --connlimit-mask 32 --connlimit-saddr"
                + " | 1 connection of 10.0.0.1/32 (matches above 2)"), w.missLines());
    }
}
