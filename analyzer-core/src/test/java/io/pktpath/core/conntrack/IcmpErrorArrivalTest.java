package io.pktpath.core.conntrack;

import static io.pktpath.core.conntrack.Pkts.MS;
import static io.pktpath.core.conntrack.Pkts.tuple;
import static io.pktpath.core.conntrack.Pkts.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.Tuple;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link ConntrackTable#errorArrivalOf} undoes what nf_nat_icmp_reply_translation does to a RELATED error crossing the
 * node: the error it gives, translated again at PREROUTING and POSTROUTING, leaves as the error it was given, and the
 * RELATED lookup of it finds the connection in the error's direction.
 */
class IcmpErrorArrivalTest {
    private static final String N = Nat.NODE;
    private final ConntrackTable table = new ConntrackTable(CtTimeouts.defaults());


    /** {@code arrived} as it leaves the node: RELATED, NATed at PREROUTING and POSTROUTING as the kernel does it. */
    private Packet forwarded(Packet arrived) {
        CtLookup.Related r = (CtLookup.Related) table.lookup(arrived, 0, arrived.timeNanos());
        Packet pre = table.applyNat(r.ct(), r.direction(), Hook.PREROUTING, arrived, true).packet();
        return table.applyNat(r.ct(), r.direction(), Hook.POSTROUTING, pre, true).packet();
    }

    private void assertRebuilt(Packet arrived) {
        Packet leaving = forwarded(arrived);
        IcmpErrorArrival rebuilt = table.errorArrivalOf(leaving, 0, leaving.timeNanos()).orElseThrow();
        assertEquals(arrived.tuple(), rebuilt.outer(), "outer of " + leaving);
        assertEquals(arrived.quoted().orElseThrow(), rebuilt.quoted(), "quoted header of " + leaving);
        Packet again = leaving.withTuple(rebuilt.outer()).withQuoted(Optional.of(rebuilt.quoted()));
        assertEquals(leaving.tuple(), forwarded(again).tuple());
        assertEquals(leaving.quoted(), forwarded(again).quoted());
    }

    /** The endpoint's port unreachable (reply direction): un-DNATed at POSTROUTING, un-masqueraded at PREROUTING. */
    @Test
    void theEndpointsErrorInTheReplyDirection() {
        Connection ct = Nat.workedExample(table);
        Packet arrived = Pkts.icmpError("10.2.0.3", N, 3, 3, tuple(Packet.UDP, N, 40001, "10.2.0.3", 53), 2, MS);
        Packet leaving = forwarded(arrived);
        assertEquals("10.96.0.10 -> 10.1.0.2", addresses(leaving.tuple()));
        assertEquals("10.1.0.2:40001 -> 10.96.0.10:53", leaving.quoted().orElseThrow().toString());
        IcmpErrorArrival rebuilt = table.errorArrivalOf(leaving, 0, 2 * MS).orElseThrow();
        assertEquals("10.2.0.3 -> " + N, addresses(rebuilt.outer()));
        assertEquals(N + ":40001 -> 10.2.0.3:53", rebuilt.quoted().toString());
        assertEquals(ct.id(), rebuilt.flowId());
        assertRebuilt(arrived);
    }

    /** The pod's error about a reply (original direction): DNATed at PREROUTING, masqueraded at POSTROUTING. */
    @Test
    void thePodsErrorInTheOriginalDirection() {
        Nat.workedExample(table);
        Packet arrived = Pkts.icmpError("10.1.0.2", "10.96.0.10", 3, 3,
                tuple(Packet.UDP, "10.96.0.10", 53, "10.1.0.2", 40001), 2, MS);
        assertEquals(N + " -> 10.2.0.3", addresses(forwarded(arrived).tuple()));
        assertRebuilt(arrived);
    }

    /**
     * A router's error for the masqueraded flow: the undoing of the DNAT gives it the service address as its source, so
     * the router is lost and the rebuilt error comes from the endpoint; translated again, it leaves as the same error.
     */
    @Test
    void aRoutersErrorIsRebuiltAsTheEndpointsWhereTheUndoneDnatHidIt() {
        Nat.workedExample(table);
        Packet arrived = Pkts.icmpError("10.9.9.9", N, 11, 0, tuple(Packet.UDP, N, 40001, "10.2.0.3", 53), 2, MS);
        Packet leaving = forwarded(arrived);
        assertEquals("10.96.0.10 -> 10.1.0.2", addresses(leaving.tuple()));
        IcmpErrorArrival rebuilt = table.errorArrivalOf(leaving, 0, 2 * MS).orElseThrow();
        assertEquals("10.2.0.3 -> " + N, addresses(rebuilt.outer()));
        Packet again = leaving.withTuple(rebuilt.outer()).withQuoted(Optional.of(rebuilt.quoted()));
        assertEquals(leaving.tuple(), forwarded(again).tuple());
        assertEquals(leaving.quoted(), forwarded(again).quoted());
    }

    /** Without NAT the error arrived as it left; an echo's error quotes the echo by its request type. */
    @Test
    void anErrorOfAFlowWithoutNatAndOfAnEcho() {
        Packet udp = udp("10.1.0.2", 41032, "10.70.0.1", 9999, 1, 0);
        table.confirm(((CtLookup.Created) table.lookup(udp, 0, 0)).candidate(), udp, 0);
        assertRebuilt(Pkts.icmpError("10.70.0.1", "10.1.0.2", 3, 3, udp.tuple(), 2, MS));

        Packet echo = Pkts.icmp("10.1.0.2", "10.2.0.9", 8, 0, 4401, 3, 0);
        table.confirm(((CtLookup.Created) table.lookup(echo, 0, 0)).candidate(), echo, 0);
        assertRebuilt(Pkts.icmpError("10.2.0.9", "10.1.0.2", 3, 1, echo.tuple(), 4, MS));
    }

    /** An error quoting no packet of a live connection, or no ICMP error at all, tells nothing. */
    @Test
    void nothingWithoutAConnectionOrAQuotedHeader() {
        Nat.workedExample(table);
        Packet stranger = Pkts.icmpError("10.9.9.9", "10.1.0.2", 3, 3, tuple(Packet.UDP, "10.1.0.2", 1, "10.9.9.9", 2),
                2, MS);
        assertTrue(table.errorArrivalOf(stranger, 0, 2 * MS).isEmpty());
        assertTrue(table.errorArrivalOf(udp("10.96.0.10", 53, "10.1.0.2", 40001, 3, MS), 0, 2 * MS).isEmpty());
    }

    private static String addresses(Tuple t) {
        return t.src() + " -> " + t.dst();
    }
}
