package io.pktpath.parser.diag;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ToolComplaintTest {
    @Test
    void theToolsErrorLinesAreComplaintsOnlyAtTheStartOfALine() {
        assertTrue(ToolComplaint.startsLine("RTNETLINK answers: Operation not permitted"));
        assertTrue(ToolComplaint.startsLine("Cannot open netlink socket: Protocol not supported"));
        assertTrue(ToolComplaint.startsLine("Dump terminated"));
        assertTrue(ToolComplaint.startsLine("Error: argument \"foo\" is wrong: table id value is invalid"));
        assertFalse(ToolComplaint.startsLine("tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:*"));
        assertFalse(ToolComplaint.startsLine("  RTNETLINK answers: indented, so part of something else"));
        assertFalse(ToolComplaint.startsLine("default via 10.0.0.1 dev eth0"));
    }
}
