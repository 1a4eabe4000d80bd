package io.pktpath.parser.bundle;

import io.pktpath.parser.diag.Diagnostic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The recorded iptables-legacy-nft node with only its iptables-legacy dump and an nft listing of its iptables-nft
 * rules (iptables-nft-restore of its rules-input.txt in a namespace, then nft list ruleset, iptables 1.8.9): both
 * backends' rules are live, only the legacy dump is replayed, and each of iptables-nft's tables with rules is warned.
 */
class LegacyBesideListingTest {
    @TempDir
    Path dir;

    @Test
    void iptablesNftTablesOfTheListingBesideALegacyOnlyDumpAreWarned() throws IOException {
        Path recorded = Path.of("../samples/bundles/iptables-legacy-nft");
        for (String f : List.of("iptables-legacy-save.txt", "ip-addr.txt", "ip-route.txt", "ip-link.txt")) {
            Files.copy(recorded.resolve(f), dir.resolve(f));
        }
        String listing;
        try (InputStream in = getClass().getResourceAsStream("iptables-legacy-nft-listing.nft")) {
            listing = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Files.writeString(dir.resolve("nft-ruleset.txt"), listing);
        Bundle b = BundleLoader.loadDirectory(dir);
        List<Diagnostic> warned = b.diagnostics().stream().filter(d -> d.code().equals("NFT_IPTABLES_NOT_REPLAYED")).toList();
        List<String> tables = warned.stream().map(Diagnostic::lineText).toList();
        assertEquals(List.of("table ip mangle", "table ip nat", "table ip filter"), tables, b.diagnostics().toString());
        Diagnostic first = warned.get(0);
        assertEquals("nft-ruleset.txt", first.span().file());
        assertEquals(listing.lines().toList().indexOf("table ip mangle {") + 1, first.span().line());
        assertTrue(first.message().contains("live beside the iptables-legacy dump"), first.message());
        assertTrue(b.rulesetV4().isPresent());

        Files.delete(dir.resolve("iptables-legacy-save.txt"));
        Bundle fromListing = BundleLoader.loadDirectory(dir);
        assertTrue(fromListing.diagnostics().stream().noneMatch(d -> d.code().equals("NFT_IPTABLES_NOT_REPLAYED")),
                "without any dump the listing's tables are replayed, nothing to warn");
    }
}
