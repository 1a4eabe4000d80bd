package io.pktpath.parser.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.pktpath.parser.iptables.match.CommentMatch;
import io.pktpath.parser.iptables.match.MatchOption;
import io.pktpath.parser.iptables.match.OptionValue;
import io.pktpath.parser.iptables.match.TcpMatch;
import io.pktpath.parser.net.PortRange;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Where a module's options end and the two modules {@link RememberedReadings#direct} reads, with exact values. */
class RememberedReadingsTest {
    private static final Set<String> BOUNDARIES = Set.of("-m", "-j", "-s", "-p");

    private static LineTokens tokens(String line) throws Tokenizer.UnbalancedQuoteException {
        return new LineTokens(new Names()).read(line);
    }

    @Test
    void aModulesOptionsEndAtABoundaryOrANegatedOne() throws Exception {
        LineTokens t = tokens("-m mark ! --mark 0x1 -m tcp --dport \"-j\" ! -s 1.2.3.4 -j X");
        assertEquals(5, RememberedReadings.segmentEnd(t, 2, BOUNDARIES), "at the next -m");
        assertEquals(9, RememberedReadings.segmentEnd(t, 7, BOUNDARIES), "a quoted -j is a value; ! -s ends it");
        assertEquals(t.size(), RememberedReadings.segmentEnd(t, t.size(), BOUNDARIES));
    }

    @Test
    void readsAQuotedCommentAndASavedPortDirectly() throws Exception {
        LineTokens t = tokens("-m comment --comment \"ns/svc:http\" -m tcp --dport 8080 -m tcp --dport 080 -j X");
        assertEquals(new CommentMatch(List.of(new MatchOption("--comment", "--comment", false, false,
                new OptionValue.Text("ns/svc:http"), Optional.empty())), false),
                RememberedReadings.direct(t, ModuleRegistry.module("comment").get(), 0, 4, "comment"));
        assertEquals(new TcpMatch(List.of(new MatchOption("--dport", "--dport", false, false,
                new OptionValue.Ports(PortRange.single(8080)), Optional.empty())), false),
                RememberedReadings.direct(t, ModuleRegistry.module("tcp").get(), 4, 8, "tcp"));
        assertNull(RememberedReadings.direct(t, ModuleRegistry.module("tcp").get(), 8, 12, "tcp"), "080 keeps its spelling");
        assertNull(RememberedReadings.direct(t, ModuleRegistry.module("tcp").get(), 4, 9, "tcp"), "more than one option");
    }
}
