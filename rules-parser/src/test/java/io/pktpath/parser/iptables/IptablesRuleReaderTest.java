package io.pktpath.parser.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.net.IpFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * One reader for many rule lines reads each as a one-rule dump does (the same matches and target, and nothing where
 * the dump reports an error): every rule of the recorded bundles' iptables-save, one reader per family, then lines
 * the dump refuses.
 */
class IptablesRuleReaderTest {
    @Test
    void everyRecordedRuleReadsAsItsOwnDump() throws IOException {
        int compared = 0;
        try (var bundles = Files.list(bundles())) {
            for (Path bundle : bundles.sorted().toList()) {
                for (String name : List.of("iptables-save.txt", "ip6tables-save.txt")) {
                    Path file = bundle.resolve(name);
                    if (!Files.exists(file)) {
                        continue;
                    }
                    IpFamily family = name.startsWith("ip6") ? IpFamily.V6 : IpFamily.V4;
                    IptablesRuleReader reader = new IptablesRuleReader("nft", family);
                    String table = null;
                    for (String line : Files.readAllLines(file)) {
                        if (line.startsWith("*")) {
                            table = line.substring(1);
                        } else if (line.startsWith("-A ") && table != null) {
                            String args = line.substring(line.indexOf(' ', 3) + 1);
                            assertEquals(ownDump(table, args, family), reader.read(table, args).map(IptablesRuleReaderTest::shape),
                                    file + ": " + line);
                            compared++;
                        }
                    }
                }
            }
        }
        assertTrue(compared > 900, "rules compared: " + compared);
    }

    @Test
    void linesTheDumpRefusesReadAsNothing() {
        IptablesRuleReader reader = new IptablesRuleReader("nft", IpFamily.V4);
        for (String args : List.of("-p tcp --dport notaport -j ACCEPT", "-m nosuchmodule --x 1 -j DROP",
                "-s 10.0.0.0/33 -j DROP", "-m comment --comment \"open -j ACCEPT", "-d fd00::1/128 -j DROP")) {
            assertEquals(ownDump("filter", args, IpFamily.V4), reader.read("filter", args).map(IptablesRuleReaderTest::shape),
                    args);
        }
        assertEquals(Optional.of("[ProtocolMatch, TcpMatch] Accept"),
                reader.read("filter", "-p tcp -m tcp --dport 80 -j ACCEPT").map(r -> classes(r)));
    }

    /** What a one-rule dump {@code *TABLE / :PKP / -A PKP ARGS / COMMIT} reads, as {@link #shape}; empty on an error. */
    private static Optional<String> ownDump(String table, String args, IpFamily family) {
        String text = "*" + table + "\n:PKP - [0:0]\n-A PKP " + args + "\nCOMMIT\n";
        Parsed<Ruleset> parsed = IptablesSaveParser.parse("nft", text, family);
        if (parsed.diagnostics().stream().anyMatch(Diagnostic::isError)) {
            return Optional.empty();
        }
        List<Rule> rules = parsed.value().table(table).flatMap(t -> t.chain("PKP")).map(c -> c.rules()).orElse(List.of());
        return rules.size() == 1 ? Optional.of(shape(rules.get(0))) : Optional.empty();
    }

    private static String shape(Rule r) {
        return r.matches() + " " + r.target() + " " + r.text();
    }

    private static String classes(Rule r) {
        List<String> names = new ArrayList<>();
        r.matches().forEach(m -> names.add(m.getClass().getSimpleName()));
        return names + " " + r.target().getClass().getSimpleName();
    }

    private static Path bundles() {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(p.resolve("samples/bundles"))) {
            p = p.getParent();
        }
        return p.resolve("samples/bundles");
    }
}
