package io.pktpath.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyReportTest {
    @Test
    void rendersEveryPartDeterministically() {
        VerifyReport report = new VerifyReport("demo", new TraceCoverage(false, "scenario.env: TRACE_COMPLETE=no"), 3, 2, 1,
                List.of(new Difference(4, "ab12", "trace.txt:7", "steps #2", "filter:FORWARD policy => POLICY:DROP",
                        "filter:FORWARD policy => POLICY:ACCEPT",
                        List.of(new StepRow("raw:PREROUTING policy => POLICY:ACCEPT",
                                        "raw:PREROUTING policy => POLICY:ACCEPT"),
                                new StepRow("filter:FORWARD policy => POLICY:DROP",
                                        "filter:FORWARD policy => POLICY:ACCEPT")))),
                List.of(new UntiedPacket("cd34", "trace.txt:20", "OUT=eth0 SRC=172.18.0.2", "locally generated, no outbound frame")),
                List.of(9L), 2, 1,
                List.of(new HitDifference(4, "filter", "FORWARD", 0, "", 2, 120, 1, 60)), List.of());
        assertFalse(report.agrees());
        assertEquals("""
                verify demo
                kernel packets: 3, tied to a frame and compared: 2, equal: 1
                rule/policy counters compared: 2, equal: 1
                trace is partial: scenario.env: TRACE_COMPLETE=no
                replayed frames the kernel did not trace (1): 9

                DIFF frame 4 (trace ab12, trace.txt:7) steps #2
                  kernel:  filter:FORWARD policy => POLICY:DROP
                  pktpath: filter:FORWARD policy => POLICY:ACCEPT
                    = raw:PREROUTING policy => POLICY:ACCEPT
                    ! filter:FORWARD policy => POLICY:DROP
                      | filter:FORWARD policy => POLICY:ACCEPT

                NO FRAME trace cd34 (trace.txt:20): locally generated, no outbound frame
                  OUT=eth0 SRC=172.18.0.2

                COUNTER filter FORWARD policy: kernel 2 pkts/120 B vs pktpath 1 pkts/60 B
                """, report.text());
    }

    @Test
    void coverageComesFromScenarioEnv(@TempDir Path dir) throws IOException {
        assertEquals(TraceCoverage.COMPLETE, TraceCoverage.fromScenarioEnv(dir));
        Files.writeString(dir.resolve("scenario.env"), "SCENARIO=x\nTRACE_COMPLETE=yes\nTRACE_PAIRS=10\n");
        assertEquals(new TraceCoverage(false, "scenario.env: TRACE_PAIRS=10 (only that many exchanges were traced)"),
                TraceCoverage.fromScenarioEnv(dir));
        Files.writeString(dir.resolve("scenario.env"), "TRACE_COMPLETE=no\n");
        assertEquals(new TraceCoverage(false, "scenario.env: TRACE_COMPLETE=no (xtables-monitor stopped early)"),
                TraceCoverage.fromScenarioEnv(dir));
    }
}
