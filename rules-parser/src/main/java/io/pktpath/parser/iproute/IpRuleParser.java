package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.LineError;
import io.pktpath.parser.diag.Diagnostics;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.net.IpFamily;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses {@code ip [-6] rule [show]} text output (ip-rule(8)): {@code PRIO:\tSELECTORS ACTION}, e.g.
 * {@code 1025:\tnot from all to 10.0.0.0/16 lookup main}. The family comes from the caller or from the first address in
 * the file (IPv4 when there is none); a bad line becomes one diagnostic and is skipped.
 */
public final class IpRuleParser {
    private IpRuleParser() {
    }

    public static Parsed<List<PolicyRule>> parse(String fileName, String text) {
        return parse(fileName, text, Optional.empty());
    }

    public static Parsed<List<PolicyRule>> parse(String fileName, String text, IpFamily family) {
        return parse(fileName, text, Optional.of(family));
    }

    private static Parsed<List<PolicyRule>> parse(String fileName, String text, Optional<IpFamily> family) {
        List<ListingLine> lines = ListingLine.of(fileName, text);
        IpFamily fileFamily = family.orElseGet(() -> inferFamily(lines));
        Diagnostics diags = new Diagnostics();
        List<PolicyRule> out = new ArrayList<>();
        for (ListingLine l : lines) {
            try {
                out.add(RuleLineReader.read(l.cursor(), fileFamily, l.span(), l.line().strip()));
            } catch (LineError e) {
                l.report(e, diags);
            }
        }
        return new Parsed<>(List.copyOf(out), diags.toList());
    }

    private static IpFamily inferFamily(List<ListingLine> lines) {
        for (ListingLine line : lines) {
            List<Token> tokens = line.tokens();
            for (int i = 1; i + 1 < tokens.size(); i++) {
                String k = tokens.get(i).text();
                if ((k.equals("from") || k.equals("to")) && !tokens.get(i + 1).text().equals("all")) {
                    return tokens.get(i + 1).text().contains(":") ? IpFamily.V6 : IpFamily.V4;
                }
            }
        }
        return IpFamily.V4;
    }
}
