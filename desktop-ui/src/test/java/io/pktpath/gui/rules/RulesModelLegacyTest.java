package io.pktpath.gui.rules;

import io.pktpath.gui.Samples;
import io.pktpath.gui.session.Session;
import io.pktpath.gui.session.SessionLoader;
import io.pktpath.gui.session.SessionSource;
import io.pktpath.parser.bundle.BundleLoader;
import io.pktpath.parser.bundle.CounterSnapshots;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Counters;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.model.Table;
import io.pktpath.parser.net.IpFamily;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules view of the iptables-legacy-nft recording lists both rulesets, each family row saying its backend and
 * which runs first, and counts every legacy rule as the kernel did (the deltas of the bundle's
 * iptables-legacy-save -c snapshots), with the frames that hit it.
 */
class RulesModelLegacyTest {
    private static final String SAMPLE = "iptables-legacy-nft";

    @Test
    void bothRulesetsAreListedWithTheirBackendAndOrder() {
        RulesModel model = RulesModel.of(Samples.session(SAMPLE));
        assertEquals(List.of("IPv4 (iptables-nft, after the legacy tables)",
                "IPv4 (iptables-legacy, first at each equal priority)"), model.roots().stream().map(RuleRow::text).toList());
        assertEquals(List.of("table legacy filter", "table legacy nat", "table legacy mangle"),
                model.roots().get(1).children().stream().map(RuleRow::text).toList());
    }

    @Test
    void everyLegacyRuleCountsWhatTheKernelCounted() throws Exception {
        RulesModel model = RulesModel.of(Samples.session(SAMPLE));
        CounterSnapshots snaps = BundleLoader.loadDirectory(Samples.bundle(SAMPLE)).legacy().counters(IpFamily.V4);
        Ruleset before = snaps.before().orElseThrow();
        Ruleset after = snaps.after().orElseThrow();
        int compared = 0;
        for (Table t : after.tables()) {
            for (Chain c : t.chains()) {
                for (Rule r : c.rules()) {
                    long kernel = r.counters().orElse(Counters.ZERO).packets() - before.table(t.name())
                            .flatMap(x -> x.chain(c.name())).flatMap(x -> x.rule(r.position()))
                            .flatMap(Rule::counters).orElse(Counters.ZERO).packets();
                    RuleRow row = model.rules().stream().filter(x -> x.rule().get().table().equals("legacy " + t.name())
                            && x.rule().get().chain().equals(c.name()) && x.rule().get().position() == r.position())
                            .findFirst().orElseThrow(() -> new AssertionError("legacy " + t.name() + " " + c.name()
                                    + " #" + r.position() + " not listed"));
                    assertEquals(kernel, row.packets(), row.text());
                    compared++;
                }
            }
        }
        assertEquals(6, compared);
        // the legacy FORWARD DROP of port 8081 (README: the two SYNs of the 8081 probe), with its frames
        RuleRow drop = model.rules().stream().filter(x -> x.rule().get().table().equals("legacy filter")
                && x.rule().get().chain().equals("FORWARD") && x.rule().get().position() == 1).findFirst().orElseThrow();
        assertEquals(2, model.frames(drop).length);
        assertTrue(drop.heat() > 0);
    }

    @Test
    void nftFirstSaysTheOtherOrder() throws Exception {
        try (Session s = new SessionLoader(io.pktpath.core.analysis.AnalysisOptions.DEFAULT, 1000).nftFirst()
                .load(SessionSource.of(Samples.bundle(SAMPLE)), f -> { }, () -> false)) {
            assertEquals(false, s.bundle().legacy().legacyFirst());
            assertEquals(List.of("IPv4 (iptables-nft, first at each equal priority)",
                    "IPv4 (iptables-legacy, after iptables-nft's chains)"),
                    RulesModel.of(s).roots().stream().map(RuleRow::text).toList());
            // iptables-nft's DNAT to 8081 maps the node address's connections first
            RuleRow nftDnat = RulesModel.of(s).rules().stream().filter(x -> x.rule().get().table().equals("nat")
                    && x.rule().get().chain().equals("PREROUTING")).findFirst().orElseThrow();
            assertTrue(nftDnat.packets() > 0, nftDnat.text());
        }
        try (Session s = new SessionLoader(io.pktpath.core.analysis.AnalysisOptions.DEFAULT, 1000).nftFirst()
                .load(SessionSource.of(Samples.bundle("no-endpoints-reject")), f -> { }, () -> false)) {
            assertTrue(s.problems().stream().anyMatch(p -> p.startsWith("--nft-first") && p.endsWith("not applied")),
                    s.problems().toString());
        }
    }
}
