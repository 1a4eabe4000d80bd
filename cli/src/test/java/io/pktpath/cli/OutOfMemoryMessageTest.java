package io.pktpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.bench.KubeCluster;
import io.pktpath.core.bench.KubeProxyRulesetGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A heap too small for the input ends with the CLI's own advice and exit code 4, not a stack trace: a real JVM with a
 * 48 MB heap is asked to check a 10,000-service kube-proxy dump (117,077 rules, 17 MB), which cannot fit.
 */
class OutOfMemoryMessageTest {

    @Test
    void tooSmallAHeapGetsAdviceAndExitCode(@TempDir Path dir) throws IOException, InterruptedException {
        Path rules = dir.resolve("iptables-save.txt");
        Files.writeString(rules, KubeProxyRulesetGenerator.generate(KubeCluster.generate(10_000, 1)),
                StandardCharsets.UTF_8);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx48m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), "io.pktpath.cli.Main", "rules", "check", rules.toString()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the CLI did not end");
        assertEquals(ExitCode.INTERNAL, p.exitValue(), err);
        assertTrue(err.startsWith("pktpath: out of memory: the Java heap ("), err);
        assertTrue(err.contains("MB) is too small for this bundle's rules and the capture's conntrack flows; give it more,"
                + " e.g. PKTPATH_JAVA_OPTS=-Xmx"), err);
        assertFalse(err.contains("\tat "), "no stack trace without --debug: " + err);
    }
}
