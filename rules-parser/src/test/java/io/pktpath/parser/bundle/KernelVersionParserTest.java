package io.pktpath.parser.bundle;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelVersionParserTest {
    @Test
    void unameRUnameAAndProcVersion() {
        assertEquals(Optional.of(new KernelVersion(6, 18, 44, "6.18.44-fc-v669")),
                KernelVersionParser.parse("uname.txt", "6.18.44-fc-v669\n").value());
        assertEquals(Optional.of(new KernelVersion(5, 4, 0, "5.4.0-150-generic")), KernelVersionParser.parse("u",
                "Linux node 5.4.0-150-generic #167-Ubuntu SMP Mon May 15 17:35:05 UTC 2023 x86_64 x86_64 x86_64 GNU/Linux")
                .value());
        assertEquals(Optional.of(new KernelVersion(4, 19, 0, "4.19")), KernelVersionParser.parse("v",
                "Linux version 4.19 (root@build) (gcc version 8.3.0) #1 SMP\n").value());
        assertTrue(new KernelVersion(6, 1, 0, "6.1.0").atLeast(5, 10));
    }

    @Test
    void garbageIsDiagnosed() {
        Parsed<Optional<KernelVersion>> p = KernelVersionParser.parse("uname.txt", "\nnot a kernel\n");
        assertEquals(Optional.empty(), p.value());
        assertEquals(List.of("uname.txt:2:1: error[bad-kernel-version]: no kernel release in 'not a kernel' (expected: "
                + "uname -r output such as 6.1.0-27-amd64, uname -a or /proc/version)"),
                p.diagnostics().stream().map(Diagnostic::headline).toList());
    }

    @Test
    void aReleaseNumberTooLargeForAnIntIsDiagnosedNotThrown() {
        // found by CorruptedBundleTest: uname.txt with 6 replaced by 9223372036854775808 threw NumberFormatException
        Parsed<Optional<KernelVersion>> p = KernelVersionParser.parse("uname.txt", "9223372036854775808.18.44-fc-v669\n");
        assertEquals(Optional.empty(), p.value());
        assertEquals(List.of("uname.txt:1:1: error[bad-kernel-version]: no kernel release in "
                + "'9223372036854775808.18.44-fc-v669' (expected: uname -r output such as 6.1.0-27-amd64, uname -a or "
                + "/proc/version)"), p.diagnostics().stream().map(Diagnostic::headline).toList());
    }
}
