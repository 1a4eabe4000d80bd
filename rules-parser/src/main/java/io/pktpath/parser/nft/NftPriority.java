package io.pktpath.parser.nft;

import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Base chain priorities as nft prints them: a number, a standard name ({@code raw -300, mangle -150, dstnat -100,
 * filter 0, security 50, srcnat 100}; the bridge family's own {@code dstnat -300, filter -200, out 100, srcnat 300}),
 * or a name plus or minus a number ({@code filter + 10}).
 */
public final class NftPriority {
    private static final Map<String, Integer> STANDARD = Map.of("raw", -300, "mangle", -150, "dstnat", -100,
            "filter", 0, "security", 50, "srcnat", 100);
    private static final Map<String, Integer> BRIDGE = Map.of("dstnat", -300, "filter", -200, "out", 100,
            "srcnat", 300);
    private static final Pattern EXPRESSION = Pattern.compile("([a-z]+|-?\\d+)(?:\\s*([+-])\\s*(\\d+))?");

    private NftPriority() {
    }

    /** The number a priority text stands for in {@code family}; empty when it names no known priority. */
    public static OptionalInt resolve(String text, NftFamily family) {
        Matcher m = EXPRESSION.matcher(text.strip());
        if (!m.matches()) {
            return OptionalInt.empty();
        }
        int base;
        String head = m.group(1);
        if (Character.isDigit(head.charAt(head.length() - 1))) {
            try {
                base = Integer.parseInt(head);
            } catch (NumberFormatException e) {
                return OptionalInt.empty();
            }
        } else {
            Integer named = (family == NftFamily.BRIDGE ? BRIDGE : STANDARD).get(head);
            if (named == null) {
                return OptionalInt.empty();
            }
            base = named;
        }
        if (m.group(2) == null) {
            return OptionalInt.of(base);
        }
        int offset;
        try {
            offset = Integer.parseInt(m.group(3));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(m.group(2).equals("+") ? base + offset : base - offset);
    }
}
