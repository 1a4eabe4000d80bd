package io.pktpath.core.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.findings.SampleBundles;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import io.pktpath.parser.bundle.InputKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A recorded nft bundle whose ruleset is {@code nft -j -a list ruleset} replays as with {@code nft -a list ruleset} of
 * the same state (both captured from the bundle's ruleset loaded into a namespace, see rules-parser's
 * {@code nft/json/README.md}): every frame's disposition, reason and rule and policy steps are the same.
 */
class NftJsonBundleReplayTest {
    private static final Path PAIRS = Path.of("../rules-parser/src/test/resources/io/pktpath/parser/nft/json");

    @TempDir
    Path dir;

    /**
     * A copy of the recorded bundle in {@code dir/name} whose nft ruleset is {@code rulesetFile} of the pairs, named
     * {@code nft-ruleset} for both forms: the loader tells them apart by content.
     */
    private Path withRuleset(String bundle, String rulesetFile, String name) throws IOException {
        Path d = Files.createDirectories(dir.resolve(name));
        try (Stream<Path> files = Files.list(SampleBundles.sample(bundle))) {
            for (Path f : files.filter(p -> !p.getFileName().toString().startsWith("nft-")
                    && !p.getFileName().toString().equals("README.md")).toList()) {
                Files.copy(f, d.resolve(f.getFileName()));
            }
        }
        Files.copy(PAIRS.resolve(rulesetFile), d.resolve("nft-ruleset"));
        return d;
    }

    private List<String> replay(String bundle, String rulesetFile) throws IOException {
        Path d = withRuleset(bundle, rulesetFile, rulesetFile.replace('.', '-'));
        Bundle b = BundleLoader.loadDirectory(d);
        assertTrue(b.has(InputKind.NFT_RULESET), rulesetFile);
        assertFalse(b.nftReplay().isEmpty(), rulesetFile);
        List<PacketTrace> traces = new ArrayList<>();
        Analyzer.analyze(b, Optional.of(d.resolve("capture.pcap")), AnalysisOptions.DEFAULT, traces::add, n -> { },
                () -> false);
        List<String> out = new ArrayList<>();
        for (PacketTrace t : traces) {
            out.add(t.packet().frame() + " " + t.disposition() + " " + lineless(t.reason()));
            for (TraceStep s : t.path()) {
                if (s instanceof RuleStep r) {
                    out.add("  " + r.hook() + " " + r.rule().table() + " " + r.rule().chain() + " #" + r.rule().position()
                            + " " + r.verdict() + " " + r.effects());
                } else if (s instanceof PolicyStep p) {
                    out.add("  " + p.hook() + " " + p.table() + " " + p.chain() + " policy " + p.verdict());
                }
            }
        }
        return out;
    }

    private static String lineless(String text) {
        return text.replaceAll("nft-ruleset:\\d+(:\\d+)?", "nft-ruleset:N");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nft-native-firewall", "nft-native-firewalld", "nft-native-forward", "nft-native-raw",
            "nft-kube-proxy", "nft-kube-proxy6"})
    void theJsonRulesetReplaysTheSameAsTheTextOfTheSameState(String bundle) throws IOException {
        List<String> text = replay(bundle, bundle + ".txt");
        List<String> json = replay(bundle, bundle + ".json");
        assertTrue(text.size() > 5, bundle);
        assertTrue(text.stream().anyMatch(l -> l.contains("pkp_") || l.contains("kube-proxy")),
                "a native nft chain decided some frame of " + bundle);
        assertEquals(text, json, bundle);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nft-native-firewall", "nft-kube-proxy"})
    void aJsonRuleIsNamedByItsLineAndColumnAndATextRuleByItsLine(String bundle) throws IOException {
        String document = Files.readString(PAIRS.resolve(bundle + ".json"));
        List<String> jsonLabels = nativeRuleLabels(bundle, bundle + ".json");
        assertFalse(jsonLabels.isEmpty(), bundle);
        for (String label : jsonLabels) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\(nft-ruleset:1:(\\d+)\\)$").matcher(label);
            assertTrue(m.find(), label);
            // nft -j prints one line; the column is where the rule's object starts, inside {"rule": ...}
            int column = Integer.parseInt(m.group(1));
            assertTrue(document.substring(0, column - 1).endsWith("{\"rule\": "), label);
            assertTrue(document.startsWith("{\"family\": ", column - 1), label);
        }
        for (String label : nativeRuleLabels(bundle, bundle + ".txt")) {
            assertTrue(label.matches(".*\\(nft-ruleset:\\d+\\)$"), label);
        }
    }

    /** The labels, with their source, of the native nft rules the bundle's frames met. */
    private List<String> nativeRuleLabels(String bundle, String rulesetFile) throws IOException {
        Path d = withRuleset(bundle, rulesetFile, "labels-" + rulesetFile.replace('.', '-'));
        Bundle b = BundleLoader.loadDirectory(d);
        List<String> labels = new ArrayList<>();
        Analyzer.analyze(b, Optional.of(d.resolve("capture.pcap")), AnalysisOptions.DEFAULT, t -> {
            for (TraceStep s : t.path()) {
                if (s instanceof RuleStep r && r.rule().table().indexOf(' ') > 0) {
                    labels.add(r.rule().labelWithSource());
                }
            }
        }, n -> { }, () -> false);
        return labels.stream().distinct().toList();
    }
}
