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
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * nft's bitwise restores of the conntrack mark ({@code meta mark set ct mark & | ^ V}), as the translator writes them,
 * walked with and without a conntrack entry; the expected marks and counters are what the kernel did in
 * samples/recorder/checks/nft-ct-mark-bitwise.sh (kernel 6.18, nft 1.0.6, three pings): with the entry's mark
 * 0x12345678 and the packet's 0xf0f0f0f0 before each form, {@code & 0x0000ffff} gave 0x00005678, {@code | 0x00000001}
 * 0x12345679, {@code ^ 0x000000ff} 0x12345687 and {@code and 0xffff0000} 0x12340000 (each "replaced" counter 3
 * packets, each "kept" counter 0: the packet's other bits are replaced); before conntrack's lookup the four forms'
 * counters stayed 0 and the mark stayed 0xf0f0f0f0 (the last counter 3).
 */
class NftCtMarkBitwiseWalkTest {
    private static final NodeFacts FACTS = NodeNetwork.of(new NetworkInputs(List.of(), List.of(), Optional.empty(),
            Optional.empty(), List.of(), Sysctls.empty(), IpsetSaveParser.parse("ipset-save.txt", "").value()));
    private static final String PING = "icmp type echo-request ";
    private static final List<String> BEFORE = List.of(
            "meta mark set 0xf0f0f0f0",
            "meta mark set ct mark & 0x0000ffff counter",
            "meta mark set ct mark | 0x00000001 counter",
            "meta mark set ct mark ^ 0x000000ff counter",
            "meta mark set ct mark & 0xffff0000 counter",
            "meta mark 0xf0f0f0f0 counter");
    private static final List<String> AFTER = List.of(
            "ct mark set 0x12345678",
            "meta mark set 0xf0f0f0f0",
            "meta mark set ct mark & 0x0000ffff counter",
            "meta mark 0x00005678 counter",
            "meta mark 0xf0f05678 counter",
            "meta mark set 0xf0f0f0f0",
            "meta mark set ct mark | 0x00000001 counter",
            "meta mark 0x12345679 counter",
            "meta mark 0xf2f4f6f9 counter",
            "meta mark set 0xf0f0f0f0",
            "meta mark set ct mark ^ 0x000000ff counter",
            "meta mark 0x12345687 counter",
            "meta mark 0xe2c4a677 counter",
            "meta mark set 0xf0f0f0f0",
            "meta mark set ct mark and 0xffff0000 counter",
            "meta mark 0x12340000 counter",
            "meta mark 0x1234f0f0 counter",
            "ct mark 0x12345678 counter");

    /** The nft rules translated into table {@code ip pkp_ctb}'s built-in chain PREROUTING (policy accept). */
    private static CompiledRuleset compiled(List<String> texts) {
        NftTable nft = new NftTable(NftFamily.IP, "pkp_ctb", 1, List.of(new NftChain("PREROUTING", 2,
                Optional.empty(), List.of())), List.of());
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            NftRuleTranslator.Translated t = assertInstanceOf(NftRuleTranslator.Translated.class,
                    NftRuleTranslator.translate(nft, "PREROUTING", i + 1, new NftRule(PING + texts.get(i), i + 3,
                            Optional.empty()), "nft.txt", IpFamily.V4), texts.get(i));
            rules.addAll(t.rules());
        }
        SourceSpan span = new SourceSpan("nft.txt", 1, 0);
        Chain chain = new Chain("PREROUTING", true, Optional.of(Policy.ACCEPT), Counters.ZERO, rules, span);
        return CompiledRuleset.compile(new Ruleset(IpFamily.V4, List.of(new Table("ip pkp_ctb", List.of(chain), span)),
                false, List.of(), Optional.empty()));
    }

    private static Fixtures.Walked walk(List<String> texts, Optional<CtInfo> ct) {
        Packet ping = Pkt.icmp("10.51.0.2", "10.51.0.1", 8, 0).build();
        return Fixtures.walk(compiled(texts), Hook.PREROUTING, "ip pkp_ctb", ping, ct, FACTS, ChoiceOracle.FIRST,
                new RuleState(), false);
    }

    /** The labels of the rules among {@code texts} (1-based) that carry a counter and that the kernel counted. */
    private static List<String> counted(List<String> texts, Set<Integer> kernelCounted) {
        return IntStream.rangeClosed(1, texts.size()).filter(kernelCounted::contains)
                .mapToObj(n -> "ip pkp_ctb PREROUTING #" + n).toList();
    }

    @Test
    void withAnEntryEachFormReplacesThePacketsMarkWithTheBitwiseOfTheEntrysMark() {
        Packet ping = Pkt.icmp("10.51.0.2", "10.51.0.1", 8, 0).build();
        CtInfo ct = new CtInfo(CtState.NEW, false, 0, Set.of(), ping.tuple(), Optional.empty(), 0, 30, 1);
        Fixtures.Walked w = walk(AFTER, Optional.of(ct));
        assertEquals(List.of("ip pkp_ctb PREROUTING #1 CONTINUE [ctmark 0x0 -> 0x12345678]",
                "ip pkp_ctb PREROUTING #2 CONTINUE [mark 0x0 -> 0xf0f0f0f0]",
                "ip pkp_ctb PREROUTING #3 CONTINUE [mark 0xf0f0f0f0 -> 0x5678]",
                "ip pkp_ctb PREROUTING #4 CONTINUE",
                "ip pkp_ctb PREROUTING #6 CONTINUE [mark 0x5678 -> 0xf0f0f0f0]",
                "ip pkp_ctb PREROUTING #7 CONTINUE [mark 0xf0f0f0f0 -> 0x12345679]",
                "ip pkp_ctb PREROUTING #8 CONTINUE",
                "ip pkp_ctb PREROUTING #10 CONTINUE [mark 0x12345679 -> 0xf0f0f0f0]",
                "ip pkp_ctb PREROUTING #11 CONTINUE [mark 0xf0f0f0f0 -> 0x12345687]",
                "ip pkp_ctb PREROUTING #12 CONTINUE",
                "ip pkp_ctb PREROUTING #14 CONTINUE [mark 0x12345687 -> 0xf0f0f0f0]",
                "ip pkp_ctb PREROUTING #15 CONTINUE [mark 0xf0f0f0f0 -> 0x12340000]",
                "ip pkp_ctb PREROUTING #16 CONTINUE",
                "ip pkp_ctb PREROUTING #18 CONTINUE",
                "ip pkp_ctb PREROUTING POLICY:ACCEPT"), w.lines());
        Set<Integer> withCounter = Set.of(3, 4, 5, 7, 8, 9, 11, 12, 13, 15, 16, 17, 18);
        assertEquals(counted(AFTER, Set.of(3, 4, 7, 8, 11, 12, 15, 16, 18)), w.result().hits().stream()
                .map(h -> h.label()).filter(l -> withCounter.contains(Integer.parseInt(l.substring(l.indexOf('#') + 1))))
                .toList(), "the counters that moved, as the kernel's (3 packets each, the others 0)");
    }

    @Test
    void withoutAnEntryNoFormMatchesAndTheMarkStays() {
        Fixtures.Walked w = walk(BEFORE, Optional.empty());
        assertEquals(List.of("ip pkp_ctb PREROUTING #1 CONTINUE [mark 0x0 -> 0xf0f0f0f0]",
                "ip pkp_ctb PREROUTING #6 CONTINUE",
                "ip pkp_ctb PREROUTING POLICY:ACCEPT"), w.lines());
        assertEquals(counted(BEFORE, Set.of(1, 6)), w.result().hits().stream().map(h -> h.label()).toList(),
                "the four forms' counters stayed 0 on the kernel, the last one counted every packet");
    }
}
