package io.pktpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recorded bundle laid out as an sosreport: no iptables-save, the firewall_tables plugin's
 * {@code sos_commands/firewall_tables/iptables_-t_TABLE_-nvL} and {@code iptables_-vnxL} (iptables 1.8.9's listings of
 * the bundle's rules, see the samples' IptablesListingReplayTest) with {@code nft list ruleset} beside, the other files
 * under {@code sos_commands/networking/}; analyze replays it end to end as the bundle with its iptables-save.
 */
class SosListingsCliTest {
    private static final String BUNDLE = "etp-local-drop";
    @TempDir
    Path sos;

    private void layOut() throws IOException {
        Path bundle = Path.of(Cli.bundle(BUNDLE));
        try (var files = Files.list(bundle)) {
            for (Path f : files.sorted().toList()) {
                String n = f.getFileName().toString();
                if (n.startsWith("iptables-save") || n.startsWith("ip6tables-save") || n.equals("rules-input.txt")
                        || n.equals("README.md") || n.equals("scenario.env")) {
                    continue;
                }
                Path to = sos.resolve(n.endsWith(".pcap") ? n : "sos_commands/networking/" + n.replace('-', '_'));
                Files.createDirectories(to.getParent());
                Files.copy(f, to);
            }
        }
        Path listings = Cli.root().resolve("samples/src/test/resources/iptables-nvl-listings").resolve(BUNDLE);
        try (var files = Files.list(listings)) {
            for (Path f : files.sorted().toList()) {
                String n = f.getFileName().toString();
                Path to = sos.resolve(n.startsWith("nft") ? "sos_commands/nftables/" + n : "sos_commands/firewall_tables/" + n);
                Files.createDirectories(to.getParent());
                Files.copy(f, to);
            }
        }
    }

    /** The frame lines, each rule's place ({@code (iptables-save.txt:31)}) left out. */
    private static List<String> frames(String out) {
        String frames = out.substring(out.indexOf("\nframes ("));
        return frames.lines().map(l -> l.replaceAll(" \\([^()\\s]+:\\d+\\)", "")).toList();
    }

    @Test
    void analyzeReplaysTheListingsAsIptablesSave() throws IOException {
        layOut();
        Cli.Result want = Cli.run("analyze", Cli.bundle(BUNDLE), "--no-color");
        Cli.Result got = Cli.run("analyze", sos.toString(), "--no-color");
        assertEquals("", got.err());
        assertEquals(want.exit(), got.exit(), got.out());
        assertEquals(frames(want.out()), frames(got.out()));
        // the externalTrafficPolicy: Local drop the kernel recorded, with the rule's comment from the listing
        assertTrue(got.out().contains("DROPPED_BY_RULE at filter KUBE-EXTERNAL-SERVICES rule 1"
                + " (sos_commands/firewall_tables/iptables_-vnxL:23): -A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment"
                + " \"default/web-local:http has no local endpoints\" -m addrtype --dst-type LOCAL -m tcp --dport 30081 -j DROP"
                + "  frames 3, 4, 5, 6"), got.out());
        assertTrue(got.out().contains("(sos_commands/firewall_tables/iptables_"), "steps name the listing");
        assertTrue(got.out().contains("  - the bundle has no iptables-save (IPv4): its iptables rules are replayed from the"
                + " listings sos_commands/firewall_tables/iptables_-t_nat_-nvL, sos_commands/firewall_tables/iptables_-t_raw_-nvL,"
                + " sos_commands/firewall_tables/iptables_-vnxL (iptables -nvL), each rule turned back into iptables-save's,"
                + " with its comments\n"), got.out());
        assertFalse(got.out().contains("NFT_NATIVE_CHAINS"), "nft's listing of iptables' tables is not replayed");

        Cli.Result check = Cli.run("rules", "check", sos.toString(), "--no-color");
        assertTrue(check.out().contains("iptables (IPv4, from the listings sos_commands/firewall_tables/iptables_-t_nat_-nvL,"
                + " sos_commands/firewall_tables/iptables_-t_raw_-nvL, sos_commands/firewall_tables/iptables_-vnxL"
                + " (iptables -nvL)): 3 tables, "), check.out());
        assertTrue(check.out().contains("found sos_commands/firewall_tables/iptables_-t_filter_-nvL: iptables -nvL (listing)"
                + " (not used: sos_commands/firewall_tables/iptables_-vnxL preferred)"), check.out());
        assertTrue(check.out().contains("INPUT: type filter hook input priority filter (0), policy accept, 4 rules -"
                + " iptables-nft's own, replayed from the -nvL listings"), check.out());
    }

    @Test
    void aListingNamedWithRulesIsReadAsOne() {
        Path listing = Cli.root().resolve("samples/src/test/resources/iptables-nvl-listings").resolve(BUNDLE)
                .resolve("iptables_-t_nat_-nvL");
        Cli.Result check = Cli.run("rules", "check", "--rules", listing.toString(), "--no-color");
        assertEquals(0, check.exit(), check.out() + check.err());
        assertTrue(check.out().contains("found iptables_-t_nat_-nvL: iptables -nvL (listing) (rules IPv4, table nat)"),
                check.out());
        assertTrue(check.out().contains("iptables (IPv4, from the listings iptables_-t_nat_-nvL (iptables -nvL)): 1 tables,"),
                check.out());
        assertTrue(check.out().contains("0 errors, 0 warnings"), check.out());
        Cli.Result json = Cli.run("rules", "check", "--rules", listing.toString(), "--format", "json");
        assertTrue(json.out().contains("\"listings\" : [ \"iptables_-t_nat_-nvL\" ]"), json.out());
    }
}
