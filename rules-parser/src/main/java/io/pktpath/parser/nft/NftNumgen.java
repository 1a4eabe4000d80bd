package io.pktpath.parser.nft;

import io.pktpath.parser.iptables.model.Rule;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code numgen random mod N vmap { 0 : goto a, 1 : goto b }} (kube-proxy's choice of an endpoint): a uniform draw of
 * 0 to N-1, written as iptables' cascade of {@code statistic --mode random} rules, so that the replay enumerates each
 * element as a branch with its probability (element i of N, in key order, matches with 1 / (N - i) of what the
 * earlier ones left, so each has 1 / N; a key covering c values has c / N; a value no key lists, or a
 * {@code continue} key, goes on to the chain's next rule). {@code numgen inc} (a counter the
 * listing does not show) and an {@code offset} are refused.
 */
final class NftNumgen {

    /**
     * The draw one element's rule gets: the iptables match it is drawn with ({@code -m statistic --mode random
     * --probability 0.50000000000}) and how nft names the draw ({@code numgen random mod 2}), the element
     * ({@code numgen 0 -> goto endpoint-a}) and the rest ({@code numgen != 0}).
     */
    record Draw(String statistic, String draw, String picked, String notPicked) {
    }

    private NftNumgen() {
    }

    /**
     * The rules of the map at {@code words[vmap]} whose selector is {@code numgen random mod N} (the four words before
     * it); {@code translate} translates one element's words with the draw it needs (null: none).
     */
    static NftRuleTranslator.Outcome translate(List<String> words, int vmap, List<String> elements,
                                               NftRuleTranslator.WordsTranslator translate) {
        if (!words.get(vmap - 3).equals("random") || !words.get(vmap - 2).equals("mod")
                || words.get(vmap - 1).length() > 9 || !isDigits(words.get(vmap - 1), 0, words.get(vmap - 1).length())) {
            return new NftRuleTranslator.Refused("'" + String.join(" ", words.subList(vmap - 4, vmap))
                    + "' is not 'numgen random mod N' (numgen inc and offsets are not replayed)");
        }
        int modulus = Integer.parseInt(words.get(vmap - 1));
        if (modulus < 1) {
            return new NftRuleTranslator.Refused("'numgen random mod 0' draws nothing");
        }
        record Element(int from, int to, NftMapElement element) {
        }
        List<Element> parsed = new ArrayList<>();
        for (String element : elements) {
            Optional<NftMapElement> e = NftMapElement.parse(element);
            String key = e.isEmpty() ? "" : e.get().key().strip();
            int dash = key.indexOf('-');
            // N or N-M, as (\d+)(?:-(\d+))? reads it
            boolean valid = dash < 0 ? isDigits(key, 0, key.length())
                    : isDigits(key, 0, dash) && isDigits(key, dash + 1, key.length());
            if (!valid) {
                return new NftRuleTranslator.Refused("the numgen map element '" + element + "' is not 'N : verdict'");
            }
            int from = Integer.parseInt(dash < 0 ? key : key.substring(0, dash));
            int to = dash < 0 ? from : Integer.parseInt(key.substring(dash + 1));
            if (to < from) {
                return new NftRuleTranslator.Refused("the numgen map element '" + element + "' is an empty range");
            }
            parsed.add(new Element(from, Math.min(to, modulus - 1), e.get()));
        }
        parsed.sort(Comparator.comparingInt(Element::from));
        // numgen random mod N: the same words for every element's draw (a 30,000-service table has 90,000 of them)
        String selector = String.join(" ", words.subList(vmap - 4, vmap));
        List<Rule> out = new ArrayList<>();
        long left = modulus;
        int previousEnd = -1;
        for (Element e : parsed) {
            if (e.from() <= previousEnd) {
                return new NftRuleTranslator.Refused("the numgen map's keys overlap at " + e.from());
            }
            if (e.from() >= modulus) {
                continue; // never drawn
            }
            previousEnd = e.to();
            long values = e.to() - e.from() + 1L;
            if (e.element().continues()) {
                continue; // like a key not listed: the draw goes on to the chain's next rule
            }
            Draw draw = values >= left ? null : draw(selector, e.element(),
                    BigDecimal.valueOf(values).divide(BigDecimal.valueOf(left), 11, RoundingMode.HALF_EVEN));
            left -= values;
            NftRuleTranslator.Outcome o = translate.translate(e.element().rule(words.subList(0, vmap - 4), words,
                    vmap), draw);
            if (o instanceof NftRuleTranslator.Refused r) {
                return r.within("the numgen map element " + e.from() + ": ");
            }
            out.addAll(((NftRuleTranslator.Translated) o).rules());
        }
        return new NftRuleTranslator.Translated(out);
    }

    /**
     * The draw of {@code element} of the map selected by {@code selector} ({@code numgen random mod 2}), taken with
     * {@code probability} of what the elements before it left.
     */
    private static Draw draw(String selector, NftMapElement element, BigDecimal probability) {
        String key = element.key().strip();
        return new Draw("-m statistic --mode random --probability " + probability.toPlainString(),
                selector, "numgen " + key + " -> " + String.join(" ", element.verdict()),
                "numgen != " + key);
    }

    /** True if {@code s[from, to)} is one or more ASCII digits ({@code \d+} of a regex). */
    static boolean isDigits(String s, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
