package io.pktpath.core.conntrack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.pktpath.core.trace.NatKind;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.parser.diag.SourceSpan;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Records equal field by field hash alike and share one map entry; a different rule still makes a different record. */
class NatRecordTest {
    private static RuleRef rule(int position) {
        return new RuleRef(4, "nat", "KUBE-SEP-A", position, new SourceSpan("iptables-save.txt", 40 + position, 1),
                "-A KUBE-SEP-A -p tcp -j DNAT --to-destination 10.244.1.5:8080");
    }

    @Test
    void equalRecordsMadeApartHashAlikeAndShareOneEntry() {
        String detail = "DNAT to 10.244.1.5:8080";
        NatRecord a = new NatRecord(NatKind.DNAT, Optional.of(rule(3)), new String(detail.toCharArray()));
        NatRecord b = new NatRecord(NatKind.DNAT, Optional.of(rule(3)), new String(detail.toCharArray()));
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(NatKind.DNAT.ordinal() * 31 + detail.hashCode(), a.hashCode());
        Map<NatRecord, NatRecord> shared = new HashMap<>();
        shared.putIfAbsent(a, a);
        assertEquals(a, shared.putIfAbsent(b, b));
        NatRecord otherRule = new NatRecord(NatKind.DNAT, Optional.of(rule(4)), detail);
        assertNotEquals(a, otherRule);
        assertEquals(null, shared.putIfAbsent(otherRule, otherRule));
        assertNotEquals(a, new NatRecord(NatKind.SNAT, Optional.of(rule(3)), detail));
        assertEquals(2, shared.size());
    }
}
