package io.pktpath.core.routing;

import static io.pktpath.core.routing.TestNodes.received;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.pktpath.core.engine.Packet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Input route results are kept per set of fields the lookup reads once asked a second time (a question asked once keeps
 * nothing), and equal what a fresh node answers.
 */
class RememberedInputRoutesTest {
    private static final List<String> SOURCES = List.of("10.2.0.5", "10.1.0.5", "10.3.0.9", "192.0.2.1", "0.1.2.3",
            "127.0.0.1", "8.8.8.8", "10.8.0.7");
    private static final List<String> DESTINATIONS = List.of("8.8.8.8", "10.50.1.7", "10.55.3.3", "10.60.0.1",
            "10.66.0.1", "10.67.0.1", "10.70.1.1", "10.77.0.1", "192.0.2.1", "10.1.0.255", "255.255.255.255",
            "224.0.0.5", "10.90.0.1", "10.4.0.9");
    private static final List<String> DEVICES = List.of("eth0", "eth1", "eth2", "br0", "tun0", "lo", "eth9");
    private static final long[] MARKS = {0, 0x10, 0x13, 0x99, 0x23};

    @Test
    void theSameFieldsGiveTheSameResultOtherFieldsTheirOwn() {
        NodeNetwork node = TestNodes.r1().build();
        RouteResult once = node.inputRoute(received("10.2.0.5", "8.8.8.8", "eth2"));
        RouteResult first = node.inputRoute(received("10.2.0.5", "8.8.8.8", "eth2"));
        assertNotSame(once, first, "asked once, a result is not kept");
        assertEquals(once, first);
        assertSame(first, node.inputRoute(received("10.2.0.5", "8.8.8.8", "eth2", Packet.UDP, 5353, 53)),
                "no ip rule selects protocol or ports: they are not part of the question");
        RouteResult marked = node.inputRoute(received("10.2.0.5", "8.8.8.8", "eth2").withMark(0x13));
        assertNotSame(first, marked);
        assertEquals("100", marked.decision().table());
        assertEquals("main", first.decision().table());
        assertNotSame(first, node.inputRoute(received("10.2.0.6", "8.8.8.8", "eth2")));
        assertNotSame(first, node.inputRoute(received("10.2.0.5", "8.8.8.9", "eth2")));
        assertNotSame(first, node.inputRoute(received("10.2.0.5", "8.8.8.8", "eth1")));
    }

    @Test
    void protocolAndPortsArePartOfTheQuestionWhenARuleSelectsThem() {
        NodeNetwork node = TestNodes.r1().rules("0:\tfrom all lookup local\n"
                + "90:\tfrom all ipproto udp dport 53 lookup 100\n"
                + "32766:\tfrom all lookup main\n").build();
        RouteResult tcp = node.inputRoute(received("10.2.0.5", "8.8.8.8", "eth1"));
        node.inputRoute(received("10.2.0.5", "8.8.8.8", "eth1", Packet.UDP, 5353, 53));
        RouteResult dns = node.inputRoute(received("10.2.0.5", "8.8.8.8", "eth1", Packet.UDP, 5353, 53));
        RouteResult otherPort = node.inputRoute(received("10.2.0.5", "8.8.8.8", "eth1", Packet.UDP, 5353, 54));
        assertEquals("main", tcp.decision().table());
        assertEquals("100", dns.decision().table());
        assertEquals("main", otherPort.decision().table());
        assertSame(dns, node.inputRoute(received("10.2.0.5", "8.8.8.8", "eth1", Packet.UDP, 5353, 53)));
    }

    /** Many questions asked of one node, repeats included, get what a node asked once answers. */
    @Test
    void rememberedResultsEqualFreshOnes() {
        askedAgainAndFresh(TestNodes.r1());
    }

    /** As above when no rule selects the source: the policy walk's answer is then shared by every source. */
    @Test
    void rememberedResultsEqualFreshOnesWhenNoRuleSelectsTheSource() {
        askedAgainAndFresh(TestNodes.r1().rules("0:\tfrom all lookup local\n"
                + "100:\tfrom all fwmark 0x10/0xf0 lookup 100\n"
                + "200:\tfrom all to 10.55.0.0/16 lookup 100\n"
                + "300:\tfrom all to 10.77.0.0/16 unreachable\n"
                + "32766:\tfrom all lookup main\n"));
    }

    private static void askedAgainAndFresh(TestNodes fixture) {
        NodeNetwork asked = fixture.build();
        Random random = new Random(3);
        for (int n = 0; n < 400; n++) {
            Packet p = received(pick(random, SOURCES), pick(random, DESTINATIONS), pick(random, DEVICES),
                    random.nextBoolean() ? Packet.TCP : Packet.UDP, 40000 + random.nextInt(3), 80)
                    .withMark(MARKS[random.nextInt(MARKS.length)]);
            RouteResult answered = asked.inputRoute(p);
            RouteResult remembered = asked.inputRoute(p);
            assertEquals(fixture.build().inputRoute(p), answered, p.toString());
            assertEquals(answered, remembered, p.toString());
            assertSame(remembered, asked.inputRoute(p));
        }
        assertNotEquals(asked.inputRoute(received("10.2.0.5", "10.66.0.1", "eth2")),
                asked.inputRoute(received("10.2.0.5", "10.67.0.1", "eth2")));
    }

    private static String pick(Random random, List<String> from) {
        return from.get(random.nextInt(from.size()));
    }
}
