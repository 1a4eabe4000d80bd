package io.pktpath.cli.render;

import io.pktpath.parser.nft.IptablesNftTables;
import io.pktpath.parser.nft.NftChain;
import io.pktpath.parser.nft.NftNativeReplay;
import io.pktpath.parser.nft.NftRuleset;
import io.pktpath.parser.nft.NftTable;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@code nft list ruleset} part of {@code rules check}: each table, its base chains with hook, priority, policy and
 * rule count, marked as iptables-nft's own (replayed from iptables-save, or without it from the listing) or native (replayed, or not and why), its regular chains
 * counted, and its sets and maps with their element counts.
 */
final class NftInventoryText {
    private NftInventoryText() {
    }

    /** Renders {@code ruleset} with what the bundle decided of its native base chains ({@code replay}). */
    static void render(Optional<NftRuleset> ruleset, NftNativeReplay replay,
                       java.util.Set<io.pktpath.parser.net.IpFamily> fromListings, PrintStream out) {
        if (ruleset.isEmpty()) {
            out.println("nftables: none");
            return;
        }
        NftRuleset r = ruleset.get();
        int natives = r.nativeBaseChains().size();
        int replayed = (int) replay.chains().stream()
                .filter(c -> !IptablesNftTables.isIptablesOwn(c.chain().table(), c.chain().chain())).count();
        out.println("nftables (" + r.file() + "): " + r.tables().size() + (r.tables().size() == 1 ? " table, " : " tables, ")
                + rules(r.ruleCount()) + ", " + natives + " native base " + (natives == 1 ? "chain" : "chains")
                + (natives == 0 ? "" : " (" + replayed + " replayed, " + (natives - replayed) + " not replayed)"));
        for (NftTable t : r.tables()) {
            out.println("  " + t.qualifiedName() + " (line " + t.line() + "): " + t.chains().size()
                    + (t.chains().size() == 1 ? " chain, " : " chains, ")
                    + rules(t.chains().stream().mapToInt(c -> c.rules().size()).sum()));
            for (NftChain c : t.chains()) {
                c.base().ifPresent(base -> out.println("    " + c.name() + ": " + base.describe() + ", "
                        + rules(c.rules().size()) + " - " + (IptablesNftTables.isIptablesOwn(t, c)
                        ? own(t, c, replay, fromListings)
                        : replay.refusal(t.qualifiedName() + " " + c.name()).map(why -> "native, not replayed: " + why)
                        .orElse(base.type().equals("nat")
                                ? "native, replayed with the nat chains of its hook (a connection's first packet)"
                                : "native, replayed at its priority"))));
            }
            List<NftChain> regular = t.chains().stream().filter(c -> !c.isBase()).toList();
            if (!regular.isEmpty()) {
                out.println("    " + regular.size() + " regular " + (regular.size() == 1 ? "chain, " : "chains, ")
                        + rules(regular.stream().mapToInt(c -> c.rules().size()).sum()));
            }
            if (!t.sets().isEmpty()) {
                out.println("    sets and maps: " + t.sets().stream().map(s -> s.kind() + " " + s.name() + " "
                        + s.elements() + (s.elements() == 1 ? " element" : " elements")).collect(Collectors.joining(", ")));
            }
        }
    }

    /**
     * What became of iptables-nft's own base chain: replayed from iptables-save (or the family's -nvL listings), or (none
     * for its family) from here.
     */
    private static String own(NftTable t, NftChain c, NftNativeReplay replay,
                              java.util.Set<io.pktpath.parser.net.IpFamily> fromListings) {
        String name = t.qualifiedName() + " " + c.name();
        if (replay.considered().stream().noneMatch(h -> h.qualifiedName().equals(name))) {
            io.pktpath.parser.net.IpFamily family = t.family() == io.pktpath.parser.nft.NftFamily.IP
                    ? io.pktpath.parser.net.IpFamily.V4 : io.pktpath.parser.net.IpFamily.V6;
            return replay.iptablesFromListing().contains(family)
                    ? "iptables-nft's own, an empty route chain: nothing to replay"
                    : fromListings.contains(family) ? "iptables-nft's own, replayed from the -nvL listings"
                    : "iptables-nft's own, replayed from iptables-save";
        }
        return replay.refusal(name).map(why -> "iptables-nft's own, no iptables-save for its family, not replayed: "
                + why).orElse("iptables-nft's own, no iptables-save for its family: replayed from this listing");
    }

    private static String rules(int n) {
        return n + (n == 1 ? " rule" : " rules");
    }
}
