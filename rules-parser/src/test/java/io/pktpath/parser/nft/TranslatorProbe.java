package io.pktpath.parser.nft;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.pktpath.parser.iptables.RuleRenderer;
import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Optional;

/** Translates a rule text as rule {@code position} (nft line {@code line}) of chain input, for the translator tests. */
record TranslatorProbe(NftTable table, int position, int line) {
    NftRuleTranslator.Outcome outcome(String text, IpFamily family) {
        return NftRuleTranslator.translate(table, "input", position, new NftRule(text, line, Optional.empty()),
                "nft.txt", family);
    }

    /** The translated rules, rendered as iptables-save lines. */
    List<String> rules(String text, IpFamily family) {
        NftRuleTranslator.Outcome o = outcome(text, family);
        NftRuleTranslator.Translated t = assertInstanceOf(NftRuleTranslator.Translated.class, o, o::toString);
        return t.rules().stream().map(RuleRenderer::render).toList();
    }

    /** Why the translator refused the rule for IPv4. */
    String refusal(String text) {
        return assertInstanceOf(NftRuleTranslator.Refused.class, outcome(text, IpFamily.V4)).reason();
    }
}
