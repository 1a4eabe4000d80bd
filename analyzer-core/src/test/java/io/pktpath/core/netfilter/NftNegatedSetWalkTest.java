package io.pktpath.core.netfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.pktpath.core.trace.Hook;
import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Counters;
import io.pktpath.parser.iptables.model.Policy;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.model.Table;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.nft.NftChain;
import io.pktpath.parser.nft.NftFamily;
import io.pktpath.parser.nft.NftRule;
import io.pktpath.parser.nft.NftRuleTranslator;
import io.pktpath.parser.nft.NftTable;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * kube-proxy's firewall chain for loadBalancerSourceRanges, {@code ip saddr != { 172.18.0.10, 203.0.113.0/25 } drop},
 * as the translator writes it, walked: a source in either range passes (the chain's policy), any other is dropped by the
 * rule, as the kernel did in samples/bundles/nft-kube-proxy-lb (172.18.0.10 connected, 172.18.0.11 and a pod dropped).
 */
class NftNegatedSetWalkTest {
    private static CompiledRuleset compiled() {
        NftTable nft = new NftTable(NftFamily.IP, "kube-proxy", 1, List.of(new NftChain("PREROUTING", 2,
                Optional.empty(), List.of())), List.of());
        NftRuleTranslator.Translated t = assertInstanceOf(NftRuleTranslator.Translated.class,
                NftRuleTranslator.translate(nft, "PREROUTING", 1, new NftRule(
                        "ip saddr != { 172.18.0.10, 203.0.113.0/25 } drop", 3, Optional.empty()), "nft.txt",
                        IpFamily.V4));
        assertEquals(1, t.rules().size(), "one rule, every element negated in it");
        SourceSpan span = new SourceSpan("nft.txt", 1, 0);
        Chain chain = new Chain("PREROUTING", true, Optional.of(Policy.ACCEPT), Counters.ZERO, t.rules(), span);
        return CompiledRuleset.compile(new Ruleset(IpFamily.V4, List.of(new Table("ip kube-proxy", List.of(chain),
                span)), false, List.of(), Optional.empty()));
    }

    private static List<String> walk(String src) {
        return Fixtures.walk(compiled(), Hook.PREROUTING, "ip kube-proxy",
                Pkt.tcp(src, 48001, "172.18.100.10", 80).build()).lines();
    }

    @Test
    void aSourceInAnyRangePassesAndEveryOtherIsDropped() {
        assertEquals(List.of("ip kube-proxy PREROUTING POLICY:ACCEPT"), walk("172.18.0.10"));
        assertEquals(List.of("ip kube-proxy PREROUTING POLICY:ACCEPT"), walk("203.0.113.77"));
        assertEquals(List.of("ip kube-proxy PREROUTING #1 DROP"), walk("172.18.0.11"));
        assertEquals(List.of("ip kube-proxy PREROUTING #1 DROP"), walk("203.0.113.200"), "outside the /25");
        assertEquals(List.of("ip kube-proxy PREROUTING #1 DROP"), walk("10.244.1.2"));
    }
}
