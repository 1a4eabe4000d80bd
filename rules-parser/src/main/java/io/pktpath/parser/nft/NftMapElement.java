package io.pktpath.parser.nft;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One element of a verdict map as nft prints it, {@code key : verdict} ({@code 10.96.0.10 . tcp . 80 : goto svc},
 * {@code 0 : goto endpoint-a}): the key as written and the verdict's words (nft(8) "VERDICT MAP").
 */
record NftMapElement(String key, List<String> verdict) {
    NftMapElement {
        verdict = List.copyOf(verdict);
    }

    /** The element, or empty when it has no {@code " : "}. */
    static Optional<NftMapElement> parse(String element) {
        int colon = element.lastIndexOf(" : ");
        if (colon < 0) {
            return Optional.empty();
        }
        return Optional.of(new NftMapElement(element.substring(0, colon), words(element.substring(colon + 3).strip())));
    }

    /** {@code verdict.split("\\s+")} of a stripped verdict, without a regex: {@code goto endpoint-a}, one empty word for none. */
    private static List<String> words(String verdict) {
        List<String> out = new ArrayList<>(2);
        int start = 0;
        for (int i = 0; i <= verdict.length(); i++) {
            if (i == verdict.length() || NftRule.isRegexSpace(verdict.charAt(i))) {
                if (i > start || i == 0) {
                    out.add(verdict.substring(start, i));
                }
                start = i + 1;
            }
        }
        return out;
    }

    /** A {@code continue} element: a packet it matches goes on to the chain's next rule, as if no key matched. */
    boolean continues() {
        return verdict.equals(List.of("continue"));
    }

    /**
     * The words of the rule this element stands for: {@code selectors} (the rule's words before the map, with the
     * element's key where the map's selector takes it), the element's verdict, then the rule's words after the map
     * ({@code words[vmap + 1]}).
     */
    List<String> rule(List<String> selectors, List<String> words, int vmap) {
        List<String> one = new ArrayList<>(selectors);
        one.addAll(verdict);
        one.addAll(words.subList(vmap + 2, words.size()));
        return one;
    }
}
