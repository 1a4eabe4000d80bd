package io.pktpath.core.netfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.NodeFacts;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.routing.NetworkInputs;
import io.pktpath.core.routing.NodeNetwork;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Hook;
import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.ipset.IpsetSaveParser;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Counters;
import io.pktpath.parser.iptables.model.Policy;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.model.Table;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.nft.NftChain;
import io.pktpath.parser.nft.NftFamily;
import io.pktpath.parser.nft.NftRule;
import io.pktpath.parser.nft.NftRuleTranslator;
import io.pktpath.parser.nft.NftTable;
import io.pktpath.parser.sysctl.Sysctls;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * nft's conntrack-mark rules, as the translator writes them, walked with and without a conntrack entry; the expected
 * steps are what the kernel did in samples/recorder/checks/nft-ct-mark-noct.sh (three pings through a chain before
 * conntrack's lookup and one after it): without an entry {@code meta mark set ct mark counter accept} neither counts nor
 * accepts (nft's ct expression breaks the rule), {@code ct mark set 0x1} goes on (counted), and neither {@code ct mark
 * 0x0} nor {@code ct mark != 0x1} matches; with an entry every rule but {@code ct mark 0x0} (the entry's mark is then
 * 0x1) matches, and {@code meta mark set ct mark} copies the mark the next rule reads.
 */
class NftCtMarkWalkTest {
    private static final NodeFacts FACTS = NodeNetwork.of(new NetworkInputs(List.of(), List.of(), Optional.empty(),
            Optional.empty(), List.of(), Sysctls.empty(), IpsetSaveParser.parse("ipset-save.txt", "").value()));
    private static final List<String> BEFORE = List.of(
            "icmp type echo-request meta mark set ct mark counter accept",
            "icmp type echo-request counter",
            "icmp type echo-request ct mark set 0x00000001 counter",
            "icmp type echo-request ct mark 0x00000000 counter",
            "icmp type echo-request ct mark != 0x00000001 counter");
    private static final List<String> AFTER = List.of(
            "icmp type echo-request ct mark set 0x00000001 counter",
            "icmp type echo-request ct mark 0x00000000 counter",
            "icmp type echo-request ct mark != 0x00000002 counter",
            "icmp type echo-request meta mark set ct mark counter",
            "icmp type echo-request meta mark 0x00000001 counter");

    /** The nft rules translated into table {@code ip pkp_noct}'s built-in chain PREROUTING (policy accept). */
    private static CompiledRuleset compiled(List<String> texts) {
        NftTable nft = new NftTable(NftFamily.IP, "pkp_noct", 1, List.of(new NftChain("PREROUTING", 2,
                Optional.empty(), List.of())), List.of());
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            NftRuleTranslator.Translated t = assertInstanceOf(NftRuleTranslator.Translated.class,
                    NftRuleTranslator.translate(nft, "PREROUTING", i + 1, new NftRule(texts.get(i), i + 3,
                            Optional.empty()), "nft.txt", IpFamily.V4));
            rules.addAll(t.rules());
        }
        SourceSpan span = new SourceSpan("nft.txt", 1, 0);
        Chain chain = new Chain("PREROUTING", true, Optional.of(Policy.ACCEPT), Counters.ZERO, rules, span);
        return CompiledRuleset.compile(new Ruleset(IpFamily.V4, List.of(new Table("ip pkp_noct", List.of(chain), span)),
                false, List.of(), Optional.empty()));
    }

    private static Fixtures.Walked walk(List<String> texts, Optional<CtInfo> ct) {
        Packet ping = Pkt.icmp("10.50.0.2", "10.50.0.1", 8, 0).build();
        return Fixtures.walk(compiled(texts), Hook.PREROUTING, "ip pkp_noct", ping, ct, FACTS, ChoiceOracle.FIRST,
                new RuleState(), false);
    }

    @Test
    void withoutAnEntryTheCtExpressionBreaksTheRuleAndTheMarkSetGoesOn() {
        Fixtures.Walked w = walk(BEFORE, Optional.empty());
        assertEquals(List.of("ip pkp_noct PREROUTING #2 CONTINUE",
                "ip pkp_noct PREROUTING #3 CONTINUE [ctmark unchanged: no conntrack entry]",
                "ip pkp_noct PREROUTING POLICY:ACCEPT"), w.lines());
        assertEquals(List.of("ip pkp_noct PREROUTING #2", "ip pkp_noct PREROUTING #3"),
                w.result().hits().stream().map(h -> h.label()).toList(), "the counters that moved, as the kernel's");
    }

    @Test
    void withAnEntryEveryRuleButTheTestOfTheOldMarkMatchesAndTheMarkIsCopied() {
        Packet ping = Pkt.icmp("10.50.0.2", "10.50.0.1", 8, 0).build();
        CtInfo ct = new CtInfo(CtState.NEW, false, 0, Set.of(), ping.tuple(), Optional.empty(), 0, 30, 1);
        Fixtures.Walked w = walk(AFTER, Optional.of(ct));
        assertEquals(List.of("ip pkp_noct PREROUTING #1 CONTINUE [ctmark 0x0 -> 0x1]",
                "ip pkp_noct PREROUTING #3 CONTINUE",
                "ip pkp_noct PREROUTING #4 CONTINUE [mark 0x0 -> 0x1]",
                "ip pkp_noct PREROUTING #5 CONTINUE",
                "ip pkp_noct PREROUTING POLICY:ACCEPT"), w.lines());
    }
}
