package io.pktpath.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.netfilter.RuleHits;
import io.pktpath.parser.iptables.IptablesSaveParser;
import io.pktpath.parser.iptables.model.Ruleset;
import java.util.List;
import org.junit.jupiter.api.Test;

class HitComparerTest {
    private static Ruleset dump(String counters1, String counters2, String policy) {
        return IptablesSaveParser.parse("iptables-save-c.txt", """
                *filter
                :INPUT ACCEPT [0:0]
                :FORWARD DROP %s
                -A FORWARD -i cali+ -o eth0 -j ACCEPT
                %s -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
                %s -A FORWARD -p udp -j ACCEPT
                COMMIT
                """.formatted(policy, counters1, counters2)).value();
    }

    @Test
    void countsAreCounterDeltasKeyedByTableChainAndPosition() {
        Ruleset before = dump("[5:300]", "[0:0]", "[1:60]");
        Ruleset after = dump("[7:420]", "[0:0]", "[4:240]");
        HitComparer.Result r = HitComparer.compare(before, after, new RuleHits());
        assertEquals(5, r.compared());
        assertEquals(3, r.equal());
        assertEquals(List.of("filter FORWARD policy: kernel 3 pkts/180 B vs pktpath 0 pkts/0 B",
                "filter FORWARD #2 (-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT): kernel 2 pkts/120 B"
                        + " vs pktpath 0 pkts/0 B"),
                r.differences().stream().map(HitDifference::describe).toList());
        assertEquals(List.of(), r.notes());
    }
}
