package io.pktpath.core.findings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** {@link Packets#quotedPart}: the packet an ICMP error's written info text quotes, as the trackers group it. */
class PacketsQuotedPartTest {
    @Test
    void theQuotedPacketIsTheTextBetweenQuotingAndTheClosingParenthesis() {
        assertEquals("TCP 10.244.1.2:80 > 172.18.0.1:45000", Packets.quotedPart(
                "IP 10.244.1.2 > 172.18.0.1 ICMP port 80 unreachable (quoting TCP 10.244.1.2:80 > 172.18.0.1:45000)"));
        assertEquals("UDP [fd00::1]:53 > [fd00::2]:5353", Packets.quotedPart(
                "IP6 fd00::9 > fd00::2 ICMP6 destination unreachable (quoting UDP [fd00::1]:53 > [fd00::2]:5353)"));
    }

    @Test
    void aTextThatQuotesNothingOrIsNotWrittenGivesNull() {
        assertNull(Packets.quotedPart(null));
        assertNull(Packets.quotedPart("IP 10.0.0.1.4000 > 10.0.0.2.80: Flags [S], seq 1, length 0"));
        assertNull(Packets.quotedPart("IP 10.0.0.1 > 10.0.0.2 ICMP time exceeded (quoting TCP 10.0.0.1:4000"));
    }
}
