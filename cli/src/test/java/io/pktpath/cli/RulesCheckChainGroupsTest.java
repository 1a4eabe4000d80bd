package io.pktpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rules check}'s inventory lists many alike-named user chains (kube-proxy's per-service ones) as one line. */
class RulesCheckChainGroupsTest {
    @TempDir
    Path tmp;

    @Test
    void twelveHashNamedChainsMakeOneLineTheOthersTheirOwn() throws IOException {
        StringBuilder dump = new StringBuilder("*nat\n:PREROUTING ACCEPT [0:0]\n:KUBE-SERVICES - [0:0]\n:KUBE-FORWARD - [0:0]\n");
        for (int n = 0; n < 12; n++) {
            dump.append(":KUBE-SEP-ABCDEFGHIJKLMN").append((char) ('A' + n)).append("2 - [0:0]\n");
        }
        for (int n = 0; n < 3; n++) {
            dump.append(":KUBE-SVC-ABCDEFGHIJKLMN").append((char) ('A' + n)).append("3 - [0:0]\n");
        }
        dump.append("-A PREROUTING -j KUBE-SERVICES\n");
        for (int n = 0; n < 12; n++) {
            dump.append("-A KUBE-SEP-ABCDEFGHIJKLMN").append((char) ('A' + n)).append("2 -p tcp -j DNAT --to-destination 10.244.1.")
                    .append(n + 1).append(":80\n");
        }
        dump.append("COMMIT\n");
        Path rules = tmp.resolve("rules.txt");
        Files.writeString(rules, dump.toString(), StandardCharsets.UTF_8);
        Cli.Result r = Cli.run("rules", "check", rules.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> chains = r.out().lines().dropWhile(l -> !l.startsWith("  nat: ")).skip(1)
                .takeWhile(l -> l.startsWith("    ")).toList();
        assertEquals(List.of(
                "    PREROUTING policy ACCEPT, 1 rule",
                "    KUBE-SERVICES (user chain), 0 rules",
                "    KUBE-FORWARD (user chain), 0 rules",
                "    KUBE-SEP-* (12 user chains, e.g. KUBE-SEP-ABCDEFGHIJKLMNA2), 12 rules",
                "    KUBE-SVC-ABCDEFGHIJKLMNA3 (user chain), 0 rules",
                "    KUBE-SVC-ABCDEFGHIJKLMNB3 (user chain), 0 rules",
                "    KUBE-SVC-ABCDEFGHIJKLMNC3 (user chain), 0 rules"), chains);
        assertTrue(r.out().contains("  nat: 18 chains, 13 rules\n"), r.out());
    }
}
