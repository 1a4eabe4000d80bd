package io.pktpath.parser.nft;

import java.util.regex.Pattern;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * A verdict map's concatenated key, as kube-proxy's nftables mode looks services up
 * ({@code ip daddr . meta l4proto . th dport vmap @service-ips}, elements {@code 10.96.0.10 . tcp . 80 : goto ...}):
 * the selectors before {@code vmap} and the parts of an element's key, so that each element becomes the rule
 * {@code ip daddr 10.96.0.10 meta l4proto tcp th dport 80 goto ...} (nft(8) "CONCATENATIONS").
 */
final class NftConcatenation {
    /** Selectors of two words ({@code ip daddr}); any other is one word ({@code iifname}). */
    private static final Set<String> TWO_WORD_HEADS = Set.of("ip", "ip6", "meta", "th", "tcp", "udp", "sctp", "ct",
            "icmp", "icmpv6");
    private static final Pattern COMMENT = Pattern.compile("\\s+comment\\s+\"[^\"]*\"");
    private static final Pattern DOT = Pattern.compile("\\s+\\.\\s+");

    private NftConcatenation() {
    }

    /**
     * The selectors of a concatenated key ending before {@code words[vmap]}, left to right, each as its words; one empty
     * selector when the key is not a concatenation (the words before {@code vmap} then end with the whole selector,
     * which the element's key follows).
     */
    static List<List<String>> selectors(List<String> words, int vmap) {
        if (vmap < 4 || !words.subList(0, vmap).contains(".")) {
            return List.of(List.of());
        }
        List<List<String>> out = new ArrayList<>();
        int end = vmap;
        while (true) {
            int len = end >= 2 && TWO_WORD_HEADS.contains(words.get(end - 2)) ? 2 : 1;
            int start = end - len;
            if (start < 0) {
                return List.of(List.of());
            }
            out.add(List.copyOf(words.subList(start, end)));
            if (start >= 1 && words.get(start - 1).equals(".")) {
                end = start - 1;
                continue;
            }
            break;
        }
        if (out.size() == 1) {
            return List.of(List.of());
        }
        Collections.reverse(out);
        return out;
    }

    /** The parts of an element's key ({@code 10.96.0.30 . tcp . 80 comment "ns/svc:port"}), its comment left out. */
    static List<String> parts(String key) {
        // a key without a comment is what the regex would leave it, without running it (a map's every element)
        String bare = (key.contains("comment") ? COMMENT.matcher(key).replaceAll("") : key).strip();
        List<String> out = new ArrayList<>();
        for (String p : DOT.split(bare)) {
            out.add(p.strip());
        }
        return out;
    }
}
