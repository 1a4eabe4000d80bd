package io.pktpath.core.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.parser.diag.SourceSpan;
import org.junit.jupiter.api.Test;

class RuleRefLabelTest {
    @Test
    void anIpv6RuleIsPrefixedOnceWhetherItsTableNamesTheFamilyOrNot() {
        assertEquals("ip6 filter FORWARD #3 (ip6tables-save.txt:17)",
                new RuleRef(6, "filter", "FORWARD", 3, SourceSpan.line("ip6tables-save.txt", 17), "-A FORWARD -j DROP")
                        .labelWithSource());
        assertEquals("ip6 docker-bridges raw-PREROUTING #1 (nft-ruleset.txt:143)",
                new RuleRef(6, "ip6 docker-bridges", "raw-PREROUTING", 1, SourceSpan.line("nft-ruleset.txt", 143),
                        "drop").labelWithSource());
        assertEquals("ip6 inet fw input #1 (nft-ruleset.txt:9)",
                new RuleRef(6, "inet fw", "input", 1, SourceSpan.line("nft-ruleset.txt", 9), "drop").labelWithSource(),
                "an inet table's IPv6 packet keeps the prefix");
        assertEquals("filter FORWARD #3 (iptables-save.txt:17)",
                new RuleRef(4, "filter", "FORWARD", 3, SourceSpan.line("iptables-save.txt", 17), "-A FORWARD -j DROP")
                        .labelWithSource());
    }
}
