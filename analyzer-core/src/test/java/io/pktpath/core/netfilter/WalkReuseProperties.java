package io.pktpath.core.netfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.RuleMiss;
import io.pktpath.core.trace.TraceStep;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Walks that share one {@link WalkContext} (which hands each walk its reused evaluation state) give the results and
 * steps of walks that each get a fresh context: nothing of one walk (verdict, NAT, notes, hits, marks) leaks into the
 * next.
 */
class WalkReuseProperties {
    private static final String NAT = Fixtures.table("nat", ":PREROUTING ACCEPT [0:0]", ":POSTROUTING ACCEPT [0:0]",
            ":SVC - [0:0]", "-A PREROUTING -d 10.96.0.1/32 -p tcp -m tcp --dport 80 -j SVC",
            "-A SVC -j MARK --or-mark 0x4000",
            "-A SVC -p tcp -m nfacct --nfacct-name svc -j DNAT --to-destination 10.244.0.5:8080");

    @Test
    void aNatDecisionAndANoteDoNotLeakIntoTheNextWalk() {
        CompiledRuleset rs = CompiledRuleset.compile(Fixtures.parse(NAT));
        List<Packet> packets = List.of(Pkt.tcp("10.0.0.2", 40000, "10.96.0.1", 80).build(),
                Pkt.tcp("10.0.0.2", 40000, "10.96.0.9", 80).build(), Pkt.tcp("10.0.0.2", 40001, "10.96.0.1", 80).build());
        List<String> shared = walkAll(rs, Hook.PREROUTING, "nat", packets, true);
        assertEquals(walkAll(rs, Hook.PREROUTING, "nat", packets, false), shared);
        assertEquals(3, shared.size());
        assertEquals(true, shared.get(0).contains("nfacct counts the packet"), shared.get(0));
        assertEquals(false, shared.get(1).contains("nfacct counts the packet"), shared.get(1));
        assertEquals(false, shared.get(1).contains("DNAT"), shared.get(1));
    }

    @Property(tries = 150)
    void walksInOneContextEqualWalksInFreshContexts(
            @ForAll(supplier = RandomChains.Rules.class) List<String> chain,
            @ForAll(supplier = RandomChains.SubRules.class) List<String> sub,
            @ForAll(supplier = RandomChains.Packets.class) List<Packet> packets) {
        CompiledRuleset rs = CompiledRuleset.compile(Fixtures.parse(PortIndexProperties.dump(chain, sub)));
        assertEquals(walkAll(rs, Hook.FORWARD, "filter", packets, false), walkAll(rs, Hook.FORWARD, "filter", packets, true));
    }

    /** Each packet's walk (result and steps), all in one context or each in its own. */
    private static List<String> walkAll(CompiledRuleset rs, Hook hook, String table, List<Packet> packets, boolean share) {
        List<String> out = new ArrayList<>();
        List<TraceStep> steps = new ArrayList<>();
        WalkContext shared = context(steps);
        for (Packet p : packets) {
            int mark = steps.size();
            TableResult r = rs.walk(hook, table, p, KubeProxyTest.newCt(p), share ? shared : context(steps));
            out.add(r + " " + steps.subList(mark, steps.size()));
        }
        return out;
    }

    private static WalkContext context(List<TraceStep> steps) {
        List<RuleMiss> misses = new ArrayList<>();
        return new WalkContext(Fixtures.Facts.of("192.168.0.2"), ChoiceOracle.FIRST, new RuleState(), steps, false, misses);
    }
}
