package io.pktpath.cli.render;

import io.pktpath.parser.linklayer.LinkLayerChain;
import io.pktpath.parser.linklayer.LinkLayerRule;
import io.pktpath.parser.linklayer.LinkLayerRules;
import java.io.PrintStream;
import java.util.List;

/**
 * The ebtables and arptables part of {@code rules check}: each tool's tables and chains with policy and rules, said to
 * be listed and not replayed from these files (an ebtables-nft chain the nft listing's {@code table bridge filter} holds
 * and pktpath replays from there is said to be); nothing for a bundle without them.
 */
public final class LinkLayerInventoryText {
    private LinkLayerInventoryText() {
    }

    public static void render(List<LinkLayerRules> all, io.pktpath.parser.nft.NftNativeReplay replay, PrintStream out) {
        for (LinkLayerRules r : all) {
            String tool = r.tool().command();
            java.util.function.Predicate<LinkLayerChain> fromListing = c -> replay.replaysFromListing(r, c);
            out.println(tool + ": " + r.ruleCount() + " rule" + (r.ruleCount() == 1 ? "" : "s") + " in "
                    + r.chains().size() + " chain" + (r.chains().size() == 1 ? "" : "s") + " (listed, not replayed: "
                    + tool.toUpperCase(java.util.Locale.ROOT) + "_NOT_REPLAYED)");
            for (LinkLayerChain c : r.chains()) {
                out.println("  " + c.qualifiedName() + (c.builtin() ? " policy " : " (user chain) policy ") + c.policy()
                        + ": " + c.rules().size() + " rule" + (c.rules().size() == 1 ? "" : "s") + " (" + c.at() + ")"
                        + (fromListing.test(c) ? " - replayed from the nft listing as bridge " + c.table() + " "
                        + c.name() : ""));
                for (LinkLayerRule rule : c.rules()) {
                    out.println("    #" + rule.position() + " " + rule.text() + " (line " + rule.line() + ")");
                }
            }
        }
    }
}
