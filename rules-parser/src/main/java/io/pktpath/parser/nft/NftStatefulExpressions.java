package io.pktpath.parser.nft;

import io.pktpath.parser.iptables.match.Match;
import io.pktpath.parser.iptables.match.NftCountMatch;
import io.pktpath.parser.iptables.match.NftLimitMatch;
import io.pktpath.parser.iptables.match.NftQuotaMatch;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Reads nft's stateful expressions of a native rule (nft(8) "LIMIT STATEMENT", "QUOTA STATEMENT", "CONNLIMIT
 * STATEMENT") as {@code nft list ruleset} prints them into matches the replay evaluates as the kernel does:
 * {@code limit rate [over] N/UNIT [burst B packets]} and {@code limit rate [over] N bytes|kbytes|mbytes/UNIT [burst B
 * bytes|kbytes|mbytes]} ({@link NftLimitMatch}), {@code quota [over|until] N UNIT [used M UNIT]} ({@link NftQuotaMatch})
 * and {@code ct count [over] N} ({@link NftCountMatch}). A named object ({@code limit name "x"}, {@code quota name
 * "x"}) is refused, and so is any of them after a statement or a verdict. Each reader returns the index after what it
 * read, -1 when refused, {@code w.size() + 1} when a value is missing.
 */
final class NftStatefulExpressions {
    /** The time units of a rate, in seconds ({@code week} since nft 1.0.1). */
    private static final Map<String, Long> PER = Map.of("second", 1L, "minute", 60L, "hour", 3_600L, "day", 86_400L,
            "week", 604_800L);
    /** nft's byte units (powers of 1024: {@code 1 kbytes/second} is a rate of 1024). */
    private static final Map<String, Long> BYTES = Map.of("bytes", 1L, "kbytes", 1_024L, "mbytes", 1_048_576L,
            "gbytes", 1_073_741_824L);

    private NftStatefulExpressions() {
    }

    /** What a reader does with the expression it read: add it to the rule, or keep it for a set element. */
    @FunctionalInterface
    interface Sink {
        /** Takes {@code m}, named {@code word}, read up to {@code next}; returns the index to go on at, -1 refused. */
        int take(Match m, String word, int next);
    }

    /** The limit, quota or ct count at {@code w[i]} (their readers' words), given to {@code sink}. */
    static int read(NftRuleDraft d, List<String> w, int i, Sink sink) {
        return switch (w.get(i)) {
            case "limit" -> limit(d, w, i, sink);
            case "quota" -> quota(d, w, i, sink);
            case "ct" -> i + 1 < w.size() && w.get(i + 1).equals("count") ? count(d, w, i, sink) : -1;
            default -> -1;
        };
    }

    /** {@code limit rate [over] N/UNIT [burst B packets]} or its byte form, at {@code w[i] == "limit"}. */
    static int limit(NftRuleDraft d, List<String> w, int i) {
        return limit(d, w, i, (m, word, next) -> add(d, m, word, next));
    }

    private static int limit(NftRuleDraft d, List<String> w, int i, Sink sink) {
        if (i + 1 < w.size() && w.get(i + 1).equals("name")) {
            d.refuse("a named limit object (limit name ...) is not replayed");
            return -1;
        }
        if (i + 2 >= w.size()) {
            return w.size() + 1;
        }
        if (!w.get(i + 1).equals("rate")) {
            return -1;
        }
        int at = i + 2;
        boolean over = w.get(at).equals("over");
        if (over || w.get(at).equals("until")) {
            at++;
        }
        if (at >= w.size()) {
            return w.size() + 1;
        }
        // N/second, or N kbytes/second (two words)
        String rateWord = w.get(at);
        long multiplier = 1;
        boolean bytes = false;
        if (rateWord.indexOf('/') < 0) {
            if (at + 1 >= w.size()) {
                return w.size() + 1;
            }
            String unitWord = w.get(at + 1);
            int slash = unitWord.indexOf('/');
            Long m = slash < 0 ? null : BYTES.get(unitWord.substring(0, slash));
            if (m == null) {
                return -1;
            }
            multiplier = m;
            bytes = true;
            rateWord = rateWord + "/" + unitWord.substring(slash + 1);
            at++;
        }
        int slash = rateWord.indexOf('/');
        OptionalLong count = number(rateWord.substring(0, slash), multiplier);
        Long per = PER.get(rateWord.substring(slash + 1));
        if (count.isEmpty() || count.getAsLong() == 0 || per == null) {
            return -1;
        }
        at++;
        long burst = bytes ? 0 : NftLimitMatch.DEFAULT_PACKET_BURST;
        if (at < w.size() && w.get(at).equals("burst")) {
            if (at + 2 >= w.size()) {
                return w.size() + 1;
            }
            Long unit = bytes ? BYTES.get(w.get(at + 2)) : w.get(at + 2).equals("packets") ? Long.valueOf(1) : null;
            OptionalLong b = unit == null ? OptionalLong.empty() : number(w.get(at + 1), unit);
            if (b.isEmpty()) {
                return -1;
            }
            // nft_limit_init: a packet limit's burst of 0 is the default 5
            burst = !bytes && b.getAsLong() == 0 ? NftLimitMatch.DEFAULT_PACKET_BURST : b.getAsLong();
            at += 3;
        }
        return sink.take(new NftLimitMatch(count.getAsLong(), per, burst, bytes, over,
                String.join(" ", w.subList(i, at))), "limit", at);
    }

    /** {@code quota [over|until] N UNIT [used M UNIT]}, at {@code w[i] == "quota"}. */
    static int quota(NftRuleDraft d, List<String> w, int i) {
        return quota(d, w, i, (m, word, next) -> add(d, m, word, next));
    }

    private static int quota(NftRuleDraft d, List<String> w, int i, Sink sink) {
        if (i + 1 < w.size() && w.get(i + 1).equals("name")) {
            d.refuse("a named quota object (quota name ...) is not replayed");
            return -1;
        }
        int at = i + 1;
        boolean over = at < w.size() && w.get(at).equals("over");
        if (over || at < w.size() && w.get(at).equals("until")) {
            at++;
        }
        if (at + 1 >= w.size()) {
            return w.size() + 1;
        }
        OptionalLong bytes = bytes(w.get(at), w.get(at + 1));
        if (bytes.isEmpty()) {
            return -1;
        }
        at += 2;
        long used = 0;
        if (at < w.size() && w.get(at).equals("used")) {
            if (at + 2 >= w.size()) {
                return w.size() + 1;
            }
            OptionalLong u = bytes(w.get(at + 1), w.get(at + 2));
            if (u.isEmpty()) {
                return -1;
            }
            used = u.getAsLong();
            at += 3;
        }
        return sink.take(new NftQuotaMatch(bytes.getAsLong(), used, over, String.join(" ", w.subList(i, at))), "quota",
                at);
    }

    /** {@code ct count [over] N}, at {@code w[i] == "ct"} and {@code w[i + 1] == "count"}. */
    static int count(NftRuleDraft d, List<String> w, int i) {
        return count(d, w, i, (m, word, next) -> add(d, m, word, next));
    }

    private static int count(NftRuleDraft d, List<String> w, int i, Sink sink) {
        int at = i + 2;
        boolean over = at < w.size() && w.get(at).equals("over");
        if (over) {
            at++;
        }
        if (at >= w.size()) {
            return w.size() + 1;
        }
        OptionalLong n = number(w.get(at), 1);
        if (n.isEmpty() || n.getAsLong() > 0xffff_ffffL) {
            return -1;
        }
        at++;
        return sink.take(new NftCountMatch(n.getAsLong(), over, String.join(" ", w.subList(i, at))), "ct count", at);
    }

    /** Adds {@code m}, read up to {@code next}; refused after a statement or a verdict. */
    private static int add(NftRuleDraft d, Match m, String word, int next) {
        if (!d.stateful(m)) {
            d.refuse("'" + word + "' after a statement or a verdict is not replayed (nft runs the statement first)");
            return -1;
        }
        return next;
    }

    /** {@code N UNIT} of a quota in bytes. */
    private static OptionalLong bytes(String n, String unit) {
        Long m = BYTES.get(unit);
        return m == null ? OptionalLong.empty() : number(n, m);
    }

    /** A decimal count times {@code multiplier}; empty when not a number or past 2^63 - 1. */
    private static OptionalLong number(String text, long multiplier) {
        if (text.isEmpty() || text.length() > 19 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Math.multiplyExact(Long.parseLong(text), multiplier));
        } catch (ArithmeticException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
