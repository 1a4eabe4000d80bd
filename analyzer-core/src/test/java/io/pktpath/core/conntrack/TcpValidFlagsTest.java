package io.pktpath.core.conntrack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.engine.Packet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The flag combinations conntrack accepts are exactly tcp_valid_flags' list, whatever PSH, ECE and CWR say. */
class TcpValidFlagsTest {
    private static final Set<Integer> VALID = Set.of(Packet.SYN, Packet.SYN | Packet.URG, Packet.SYN | Packet.ACK,
            Packet.RST, Packet.RST | Packet.ACK, Packet.FIN | Packet.ACK, Packet.FIN | Packet.ACK | Packet.URG,
            Packet.ACK, Packet.ACK | Packet.URG);

    @Test
    void everyByteOfFlagsIsJudgedByTheKernelList() {
        int relevant = Packet.FIN | Packet.SYN | Packet.RST | Packet.ACK | Packet.URG;
        for (int flags = 0; flags < 256; flags++) {
            assertEquals(VALID.contains(flags & relevant), TcpTracker.validFlags(flags), "flags 0x" + Integer.toHexString(flags));
        }
        assertEquals(false, TcpTracker.validFlags(Packet.SYN | Packet.FIN));
        assertEquals(true, TcpTracker.validFlags(Packet.ACK | Packet.PSH | 0x40 | 0x80));
    }
}
