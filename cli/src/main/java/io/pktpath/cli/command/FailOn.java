package io.pktpath.cli.command;

import io.pktpath.cli.ExitCode;
import io.pktpath.core.findings.Finding;
import io.pktpath.core.findings.FindingSeverity;
import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Severity;
import java.util.List;

/** The exit code {@code --fail-on} asks for: 1 when a finding or diagnostic at the level (1 error, 2 warning) exists. */
final class FailOn {
    private FailOn() {
    }

    static int exitCode(int level, List<Finding> findings, List<Diagnostic> diagnostics) {
        if (level == 0) {
            return ExitCode.OK;
        }
        boolean hit = findings.stream().anyMatch(f -> f.severity() == FindingSeverity.ERROR
                || level >= 2 && f.severity() == FindingSeverity.WARNING)
                || diagnostics.stream().anyMatch(d -> d.severity() == Severity.ERROR
                || level >= 2 && d.severity() == Severity.WARNING);
        return hit ? ExitCode.FINDINGS : ExitCode.OK;
    }
}
