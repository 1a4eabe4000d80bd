package io.pktpath.parser.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.iptables.listing.ListingReaderTestResources;
import io.pktpath.parser.net.IpFamily;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bundle laid out as an sosreport's {@code sos_commands/firewall_tables/} (the listings iptables 1.8.9 printed of the
 * coverage ruleset, see ListingReaderTest): the listings are recognized by content, each gives its table of its family,
 * and they are used only for a family without iptables-save.
 */
class IptablesListingBundleTest {
    private static final String DIR = "sos_commands/firewall_tables/";
    @TempDir
    Path root;

    private void listings() throws IOException {
        for (String f : List.of("iptables_-t_raw_-nvL", "iptables_-t_mangle_-nvL", "iptables_-t_nat_-nvL",
                "iptables_-t_filter_-nvL", "ip6tables_-t_mangle_-nvL", "ip6tables_-t_nat_-nvL", "ip6tables_-t_filter_-nvL")) {
            TreeWriter.write(root, DIR + f, ListingReaderTestResources.text("coverage/" + f));
        }
    }

    @Test
    void listingsGiveBothFamiliesRulesWithoutIptablesSave() throws IOException {
        listings();
        Bundle b = BundleLoader.loadDirectory(root);
        assertEquals(List.of(
                "found " + DIR + "ip6tables_-t_filter_-nvL: iptables -nvL (listing) (rules IPv6, table filter)",
                "found " + DIR + "ip6tables_-t_mangle_-nvL: iptables -nvL (listing) (rules IPv6, table mangle)",
                "found " + DIR + "ip6tables_-t_nat_-nvL: iptables -nvL (listing) (rules IPv6, table nat)",
                "found " + DIR + "iptables_-t_filter_-nvL: iptables -nvL (listing) (rules IPv4, table filter)",
                "found " + DIR + "iptables_-t_mangle_-nvL: iptables -nvL (listing) (rules IPv4, table mangle)",
                "found " + DIR + "iptables_-t_nat_-nvL: iptables -nvL (listing) (rules IPv4, table nat)",
                "found " + DIR + "iptables_-t_raw_-nvL: iptables -nvL (listing) (rules IPv4, table raw)"),
                b.inventory().lines().stream().filter(l -> l.startsWith("found ")).toList());
        assertTrue(b.inventory().missing().stream().noneMatch(m -> m.contains("tables-save")), b.inventory().missing().toString());
        assertEquals(List.of("raw", "mangle", "nat", "filter"), b.rulesetV4().orElseThrow().tables().stream()
                .map(t -> t.name()).toList());
        assertEquals(3, b.rulesetV6().orElseThrow().tables().size());
        assertEquals(List.of(DIR + "iptables_-t_filter_-nvL", DIR + "iptables_-t_mangle_-nvL", DIR + "iptables_-t_nat_-nvL",
                DIR + "iptables_-t_raw_-nvL"), b.listings(IpFamily.V4));
        // every listed rule reads back; the one the iptables-save parser itself refuses is placed in the listing
        assertEquals(List.of(DIR + "iptables_-t_nat_-nvL:20: IPT006"), b.diagnostics().stream()
                .map(d -> d.span().file() + ":" + d.span().line() + ": " + d.code()).toList(), b.diagnostics().toString());
        assertTrue(b.diagnostics().get(0).message().contains("(the listed rule as read back: '[0:0] -A POSTROUTING -s"
                + " 10.1.0.0/255.255.0.255 -j SNAT --to-source 192.0.2.2 --persistent')"), b.diagnostics().get(0).message());
        var rule = b.rulesetV4().orElseThrow().table("nat").orElseThrow().chain("PREROUTING").orElseThrow().rule(1).orElseThrow();
        assertEquals("-A PREROUTING -d 10.9.0.0/24 -j NETMAP --to 10.8.0.0/24", rule.text());
        assertEquals(DIR + "iptables_-t_nat_-nvL", rule.span().file());
        assertTrue(b.countersV4().after().isPresent() && b.countersV4().before().isEmpty(), "the listing's totals");
    }

    @Test
    void withIptablesSaveTheListingsAreNotUsed() throws IOException {
        listings();
        TreeWriter.write(root, "sos_commands/networking/iptables-save", TreeWriter.IPTABLES_SAVE);
        Bundle b = BundleLoader.loadDirectory(root);
        assertTrue(b.inventory().lines().contains("found " + DIR + "iptables_-t_nat_-nvL: iptables -nvL (listing) (not used:"
                + " iptables-save preferred)"), b.inventory().lines().toString());
        assertEquals(List.of(), b.listings(IpFamily.V4));
        assertEquals(3, b.listings(IpFamily.V6).size(), "IPv6 still from its listings");
    }

    @Test
    void theExactListingIsPreferredForATable() throws IOException {
        TreeWriter.write(root, DIR + "iptables_-t_filter_-nvL", ListingReaderTestResources.text("rounded/iptables_-t_filter_-nvL"));
        TreeWriter.write(root, DIR + "iptables_-vnxL", ListingReaderTestResources.text("rounded/iptables_-vnxL"));
        Bundle b = BundleLoader.loadDirectory(root);
        assertEquals(List.of(DIR + "iptables_-vnxL"), b.listings(IpFamily.V4));
        assertTrue(b.inventory().lines().contains("found " + DIR + "iptables_-t_filter_-nvL: iptables -nvL (listing) (not"
                + " used: " + DIR + "iptables_-vnxL preferred)"), b.inventory().lines().toString());
        var input = b.rulesetV4().orElseThrow().table("filter").orElseThrow().chain("INPUT").orElseThrow();
        assertEquals(Optional.of(new io.pktpath.parser.iptables.model.Counters(123456, 98765432)), input.rule(1).orElseThrow().counters());
    }

    @Test
    void aListingWithoutCountersIsRefusedByContent() {
        Recognition r = ContentSniffer.recognize(new byte[0], """
                Chain INPUT (policy ACCEPT)
                target     prot opt source               destination
                ACCEPT     6    --  0.0.0.0/0            0.0.0.0/0            tcp dpt:22
                """);
        assertTrue(r.kind().isEmpty());
        assertTrue(r.reason().startsWith("iptables -L listing without -v: it has no interface columns"), r.reason());
        assertEquals(Optional.of(InputKind.IPTABLES_LISTING), ContentSniffer.recognize(new byte[0], """
                Chain INPUT (policy ACCEPT 0 packets, 0 bytes)
                num   pkts bytes target     prot opt in     out     source               destination
                1        0     0 ACCEPT     6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:22
                """).kind());
    }
}
