package io.pktpath.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The benchmarks name the collector and options of the JVM they ran in, read from that JVM, not assumed. */
class JvmDescriptionTest {

    @Test
    void aFreshJvmReportsTheCollectorAndOptionsItWasStartedWith() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-XX:+UseSerialGC", "-Xmx64m", "-cp",
                System.getProperty("java.class.path"), ParseBench.class.getName()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the JVM did not end");
        assertEquals(0, p.exitValue(), out);
        assertEquals("collectors Copy, MarkSweepCompact; JVM options -XX:+UseSerialGC -Xmx64m", out.strip());
    }

    @Test
    void noOptionsIsSaidSo() {
        assertEquals("collectors G1 Young Generation, G1 Old Generation; JVM options (none)",
                JvmDescription.line(List.of("G1 Young Generation", "G1 Old Generation"), List.of()));
    }
}
