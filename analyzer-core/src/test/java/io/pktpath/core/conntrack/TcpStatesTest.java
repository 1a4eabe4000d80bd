package io.pktpath.core.conntrack;

import static io.pktpath.core.conntrack.Pkts.MS;
import static io.pktpath.core.conntrack.Pkts.S;
import static io.pktpath.core.conntrack.Pkts.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.CtState;
import io.pktpath.parser.sysctl.Sysctls;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TcpStatesTest {
    private static final int SYN = Packet.SYN;
    private static final int ACK = Packet.ACK;
    private static final int SYNACK = Packet.SYN | Packet.ACK;
    private static final int FINACK = Packet.FIN | Packet.ACK;
    private static final int RST = Packet.RST;

    private final ConntrackTable table = new ConntrackTable(CtTimeouts.defaults());

    /** Looks the packet up, confirms or commits it as the orchestrator would, and returns the lookup. */
    private CtLookup pass(Packet p) {
        CtLookup l = table.lookup(p, 0, p.timeNanos());
        if (l instanceof CtLookup.Created c) {
            table.confirm(c.candidate(), p, p.timeNanos());
        } else if (l instanceof CtLookup.Existing e) {
            table.commitPacket(e.ct(), e.direction(), p, p.timeNanos());
        } else if (l instanceof CtLookup.Invalid) {
            table.commitInvalid();
        }
        return l;
    }

    @Test
    void handshakeGivesNewThenEstablishedAndAssured() {
        CtLookup syn = pass(tcp("10.0.0.1", 40000, "10.0.0.2", 80, SYN, 1, 0));
        assertEquals(CtState.NEW, syn.state());
        assertEquals("new flow #1 (TCP SYN_SENT)", syn.detail());
        CtLookup synack = pass(tcp("10.0.0.2", 80, "10.0.0.1", 40000, SYNACK, 2, MS));
        assertEquals(CtState.ESTABLISHED, synack.state());
        assertEquals("flow #1 REPLY (TCP SYN_SENT -> SYN_RECV)", synack.detail());
        assertTrue(synack.ctInfo().orElseThrow().replyDirection());
        CtLookup ack = pass(tcp("10.0.0.1", 40000, "10.0.0.2", 80, ACK, 3, 2 * MS));
        assertEquals(CtState.ESTABLISHED, ack.state());
        Connection ct = ((CtLookup.Existing) ack).ct();
        assertEquals(TcpState.ESTABLISHED, ct.tcpState());
        assertTrue(ct.assured());
        assertEquals(2 * MS + 432000 * S, ct.expiresNanos());
        assertEquals(2, ct.packets(CtDirection.ORIGINAL));
        assertEquals(1, ct.packets(CtDirection.REPLY));
    }

    @Test
    void closeSequenceEndsInTimeWaitAndNewSynReopens() {
        pass(tcp("10.0.0.1", 40000, "10.0.0.2", 80, SYN, 1, 0));
        pass(tcp("10.0.0.2", 80, "10.0.0.1", 40000, SYNACK, 2, MS));
        pass(tcp("10.0.0.1", 40000, "10.0.0.2", 80, ACK, 3, 2 * MS));
        pass(tcp("10.0.0.1", 40000, "10.0.0.2", 80, FINACK, 4, 3 * MS));
        pass(tcp("10.0.0.2", 80, "10.0.0.1", 40000, ACK, 5, 4 * MS));
        pass(tcp("10.0.0.2", 80, "10.0.0.1", 40000, FINACK, 6, 5 * MS));
        CtLookup last = pass(tcp("10.0.0.1", 40000, "10.0.0.2", 80, ACK, 7, 6 * MS));
        Connection ct = ((CtLookup.Existing) last).ct();
        assertEquals(TcpState.TIME_WAIT, ct.tcpState());
        assertEquals(6 * MS + 120 * S, ct.expiresNanos());

        CtLookup reopen = pass(tcp("10.0.0.1", 40000, "10.0.0.2", 80, SYN, 8, 7 * MS));
        assertInstanceOf(CtLookup.Created.class, reopen);
        assertEquals(CtState.NEW, reopen.state());
        assertEquals("new flow #2: SYN reopens flow #1 in TIME_WAIT", reopen.detail());
        assertEquals(FlowEnd.REOPENED, ct.end());
        assertEquals(1, table.size());
        assertEquals(2, table.flows(7 * MS).size());
    }

    @Test
    void midStreamAckIsPickedUpAsEstablishedWithUnacknowledgedTimeout() {
        CtLookup l = pass(tcp("10.0.0.1", 40000, "10.0.0.2", 80, ACK | Packet.PSH, 1, 0));
        assertEquals(CtState.NEW, l.state());
        assertEquals("new flow #1: mid-stream pickup of TCP PSH/ACK (tcp_loose=1), TCP ESTABLISHED; its start is not"
                + " in the capture or the bundle", l.detail());
        Connection ct = table.live(1).orElseThrow();
        assertEquals(TcpState.ESTABLISHED, ct.tcpState());
        assertEquals(300 * S, ct.expiresNanos());
        CtLookup second = pass(tcp("10.0.0.1", 40000, "10.0.0.2", 80, ACK, 2, MS));
        assertEquals(CtState.NEW, second.state(), "ORIGINAL packets stay NEW until a reply");
        pass(tcp("10.0.0.2", 80, "10.0.0.1", 40000, ACK, 3, 2 * MS));
        assertFalse(ct.assured(), "the first reply itself does not assure");
        CtLookup after = pass(tcp("10.0.0.1", 40000, "10.0.0.2", 80, ACK, 4, 3 * MS));
        assertEquals(CtState.ESTABLISHED, after.state());
        assertTrue(ct.assured());
        assertEquals(3 * MS + 432000 * S, ct.expiresNanos());
    }

    @Test
    void pickupIsInvalidWithTcpLooseOff() {
        ConntrackTable strict = new ConntrackTable(CtTimeouts.from(
                new Sysctls(Map.of("net.netfilter.nf_conntrack_tcp_loose", "0"))));
        CtLookup l = strict.lookup(tcp("10.0.0.1", 40000, "10.0.0.2", 80, ACK, 1, 0), 0, 0);
        assertEquals(CtState.INVALID, l.state());
        assertEquals("TCP ACK without a conntrack entry and nf_conntrack_tcp_loose=0: no mid-stream pickup", l.detail());
    }

    @Test
    void firstPacketsThatCannotOpenAreInvalid() {
        assertEquals("TCP SYN/ACK without a conntrack entry cannot open a connection",
                table.lookup(tcp("10.0.0.2", 80, "10.0.0.1", 40000, SYNACK, 1, 0), 0, 0).detail());
        assertEquals("TCP FIN/ACK without a conntrack entry cannot open a connection",
                table.lookup(tcp("10.0.0.2", 80, "10.0.0.1", 40000, FINACK, 1, 0), 0, 0).detail());
        assertEquals("TCP RST without a conntrack entry cannot open a connection",
                table.lookup(tcp("10.0.0.2", 80, "10.0.0.1", 40000, RST, 1, 0), 0, 0).detail());
        assertEquals("TCP flag combination FIN is invalid for conntrack",
                table.lookup(tcp("10.0.0.2", 80, "10.0.0.1", 40000, Packet.FIN, 1, 0), 0, 0).detail());
        assertEquals(CtState.INVALID, table.lookup(tcp("10.0.0.2", 80, "10.0.0.1", 40000, SYNACK, 1, 0), 0, 0).state());
        assertEquals(0, table.size());
    }

    @Test
    void rstBeforeAnyReplyDeletesTheCt() {
        pass(tcp("10.0.0.1", 40000, "10.0.0.2", 80, SYN, 1, 0));
        CtLookup rst = pass(tcp("10.0.0.2", 80, "10.0.0.1", 40000, RST | ACK, 2, MS));
        assertEquals(CtState.ESTABLISHED, rst.state());
        assertEquals(0, table.size());
        FlowRecord f = table.flows(MS).get(0);
        assertEquals(FlowEnd.RESET, f.end());
        assertEquals(1, f.packetsReply());
        CtLookup again = table.lookup(tcp("10.0.0.1", 40000, "10.0.0.2", 80, SYN, 3, 2 * MS), 0, 2 * MS);
        assertEquals("new flow #2 (TCP SYN_SENT)", again.detail());
    }

    @Test
    void rstAfterEstablishedMovesToCloseWithTenSeconds() {
        pass(tcp("10.0.0.1", 40000, "10.0.0.2", 80, SYN, 1, 0));
        pass(tcp("10.0.0.2", 80, "10.0.0.1", 40000, SYNACK, 2, MS));
        CtLookup rst = pass(tcp("10.0.0.1", 40000, "10.0.0.2", 80, RST, 3, 2 * MS));
        Connection ct = ((CtLookup.Existing) rst).ct();
        assertEquals(TcpState.CLOSE, ct.tcpState());
        assertEquals(2 * MS + 10 * S, ct.expiresNanos());
    }

    @Test
    void synAckInTheOriginalDirectionOfAnEstablishedCtIsInvalid() {
        pass(tcp("10.0.0.1", 40000, "10.0.0.2", 80, SYN, 1, 0));
        pass(tcp("10.0.0.2", 80, "10.0.0.1", 40000, SYNACK, 2, MS));
        pass(tcp("10.0.0.1", 40000, "10.0.0.2", 80, ACK, 3, 2 * MS));
        CtLookup l = table.lookup(tcp("10.0.0.1", 40000, "10.0.0.2", 80, SYNACK, 4, 3 * MS), 0, 3 * MS);
        assertEquals("TCP SYN/ACK in the ORIGINAL direction is invalid in TCP state ESTABLISHED of flow #1", l.detail());
    }

    @Test
    void expiredCtIsReplacedByANewOne() {
        pass(tcp("10.0.0.1", 40000, "10.0.0.2", 80, SYN, 1, 0));
        CtLookup late = table.lookup(tcp("10.0.0.1", 40000, "10.0.0.2", 80, SYN, 2, 121 * S), 0, 121 * S);
        assertInstanceOf(CtLookup.Created.class, late);
        table.confirm(((CtLookup.Created) late).candidate(), tcp("10.0.0.1", 40000, "10.0.0.2", 80, SYN, 2, 121 * S), 121 * S);
        assertEquals(FlowEnd.EXPIRED, table.flows(121 * S).get(0).end());
        assertEquals(FlowEnd.OPEN, table.flows(121 * S).get(1).end());
    }
}
