package io.pktpath.core.conntrack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.iptables.IptablesSaveParser;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.net.IpFamily;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConntrackPolicyTest {
    private static Ruleset parse(String text, IpFamily family) {
        Parsed<Ruleset> p = IptablesSaveParser.parse("rules", text, family);
        assertEquals(java.util.List.of(), p.errors());
        return p.value();
    }

    private static final String COMMENTS_ONLY = """
            *nat
            :PREROUTING ACCEPT [0:0]
            :POSTROUTING ACCEPT [0:0]
            -A PREROUTING -m comment --comment "nothing here" -j ACCEPT
            COMMIT
            *filter
            :INPUT ACCEPT [0:0]
            -A INPUT -s 10.0.0.0/8 -m comment --comment "plain" -j ACCEPT
            COMMIT
            """;

    @Test
    void commentOnlyDumpsLeaveConntrackOff() {
        Ruleset v4 = parse(COMMENTS_ONLY, IpFamily.V4);
        assertFalse(ConntrackPolicy.isEnabled(v4, Ruleset.empty(IpFamily.V6)));
    }

    @Test
    void aStateMatchOrNatTargetTurnsItOn() {
        Ruleset v4 = parse("""
                *filter
                :INPUT ACCEPT [0:0]
                -A INPUT -p tcp --dport 22 -j ACCEPT
                -A INPUT -m conntrack --ctstate INVALID -j DROP
                COMMIT
                """, IpFamily.V4);
        assertEquals(Optional.of("filter INPUT #2: -m conntrack needs conntrack"),
                ConntrackPolicy.firstUser(v4, Ruleset.empty(IpFamily.V6)));
        Ruleset v6 = parse("""
                *nat
                :POSTROUTING ACCEPT [0:0]
                -A POSTROUTING -o eth0 -j MASQUERADE
                COMMIT
                """, IpFamily.V6);
        assertTrue(ConntrackPolicy.isEnabled(Ruleset.empty(IpFamily.V4), v6));
        assertEquals(Optional.of("nat POSTROUTING #1: target MASQUERADE needs conntrack"),
                ConntrackPolicy.firstUser(Ruleset.empty(IpFamily.V4), v6));
    }
}
