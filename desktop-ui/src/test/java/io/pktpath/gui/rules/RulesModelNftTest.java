package io.pktpath.gui.rules;

import io.pktpath.gui.Samples;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules view of a node whose native nftables chains the replay translated (nft-native-forward): they follow the
 * iptables rulesets, one row per nft rule, with the replay's hits, which equal the counters the kernel listed for the
 * capture (its rules were loaded right before the traffic and listed right after).
 */
class RulesModelNftTest {
    private final RulesModel model = RulesModel.of(Samples.session("nft-native-forward"));

    @Test
    void nativeChainsAreListedAfterIptablesWithTheKernelsCounts() throws IOException {
        List<String> roots = model.roots().stream().map(RuleRow::text).toList();
        assertEquals("IPv4 (native nftables chains of nft-ruleset.txt, replayed)", roots.get(roots.size() - 2), roots.toString());
        List<RuleRow> nft = model.rules().stream().filter(r -> r.rule().get().table().equals("inet pkp_nf")
                && r.rule().get().family() == 4).toList();
        assertEquals(nft.size(), nft.stream().map(r -> r.rule().get()).distinct().count(), "one row per nft rule");
        Pattern counter = Pattern.compile("counter packets (\\d+) bytes (\\d+)");
        int compared = 0;
        for (RuleRow r : nft) {
            Matcher m = counter.matcher(r.rule().get().text());
            if (m.find()) {
                assertEquals(Long.parseLong(m.group(1)), r.packets(), r.text());
                assertEquals(Long.parseLong(m.group(2)), r.bytes(), r.text());
                assertEquals(r.packets(), model.frames(r).length, r.text());
                compared++;
            }
        }
        assertTrue(compared >= 5, "rules with a counter compared: " + compared);
        assertTrue(Files.readString(Samples.bundle("nft-native-forward").resolve("nft-ruleset.txt")).contains("table inet pkp_nf"));
    }
}
